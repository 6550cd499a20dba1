"""Care placements: recording, gatekeeping of residential care, reviews and endings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.core.errors import (
    ActionNotAllowed,
    Conflict,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from baove.placements import actions
from baove.placements.models import Placement, PlacementReview
from baove.placements.vocab import FAMILY_OPTIONS

from .conftest import World

TODAY = timezone.localdate


def days_ago(n: int) -> dt.date:
    """The local date ``n`` days before today."""
    return TODAY() - dt.timedelta(days=n)


RULED_OUT = {
    "parents": "Cha mẹ đã mất trong tai nạn giao thông năm ngoái.",
    "kinship": "Bà ngoại đã già yếu, không có người thân khác có thể nhận nuôi.",
    "foster": "Chưa tìm được gia đình nhận chăm sóc thay thế phù hợp trong tỉnh.",
    "community": "Xã chưa có mô hình chăm sóc tại cộng đồng cho trẻ khuyết tật nặng.",
}


def kinship(case: Case, by: User, **overrides: Any) -> Placement:
    """Record a kinship placement of the case's child."""
    data: dict[str, Any] = {
        "placement_type": "kinship",
        "start_date": days_ago(30),
        "reason": "Mẹ đi làm xa, trẻ ở với bà ngoại.",
        "carer_name": "Lê Thị Mai",
        "carer_relationship": "Bà ngoại",
    }
    data.update(overrides)
    return actions.record_placement(case, acting_user=by, **data)


def residential_data(world: World, **overrides: Any) -> dict[str, Any]:
    """Valid input for a residential placement (with the gatekeeping justification)."""
    data: dict[str, Any] = {
        "placement_type": "residential",
        "start_date": days_ago(2),
        "reason": "Trẻ cần được chăm sóc y tế và phục hồi chức năng thường xuyên.",
        "agency": world.agency_x,
        "facility_type": "sos_village",
        "ruled_out": dict(RULED_OUT),
        "justification": "Là lựa chọn tạm thời tốt nhất trong khi tìm gia đình thay thế.",
    }
    data.update(overrides)
    return data


def propose(world: World, case: Case, by: User, **overrides: Any) -> Placement:
    """Record a residential placement proposal."""
    return actions.record_placement(case, acting_user=by, **residential_data(world, **overrides))


def last_event(action: str) -> AuditEvent:
    """The newest audit event of ``action``."""
    return AuditEvent.objects.filter(action=action).latest("id")


def events(action: str) -> int:
    """How many audit events of ``action`` exist."""
    return AuditEvent.objects.filter(action=action).count()


def test_family_based_placement_is_active_at_once(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1)
    assert placement.status == "active"
    assert placement.province_id == "01" and placement.commune_id == "00004"
    assert placement.review_interval_days == 180
    assert placement.next_review_due == days_ago(30) + dt.timedelta(days=180)
    event = AuditEvent.objects.get(action="placement.record")
    assert (event.case_id, event.child_id) == (world.case_a1.pk, world.case_a1.child_id)


def test_review_days_come_from_settings(world: World, settings: Any) -> None:
    settings.BAOVE_PLACEMENT_REVIEW_DAYS = {"kinship": 60}
    assert actions.review_days("kinship") == 60
    assert actions.review_days("residential") == 90  # default kept for the others
    placement = kinship(world.case_a1, world.officer_a1)
    assert placement.review_interval_days == 60


def test_new_placement_ends_the_previous_one(world: World) -> None:
    first = kinship(world.case_a1, world.officer_a1, start_date=days_ago(100))
    second = actions.record_placement(
        world.case_a1, acting_user=world.officer_a1, placement_type="parents",
        start_date=days_ago(10), reason="Mẹ trở về nhà, trẻ về sống với mẹ.",
    )  # fmt: skip
    first.refresh_from_db()
    assert (first.status, first.end_date, first.end_reason) == (
        "ended",
        days_ago(10),
        "new_placement",
    )
    assert second.status == "active"
    assert Placement.objects.filter(child_id=world.case_a1.child_id, status="active").count() == 1
    # Exactly one audit event per action, the ending included in the second one.
    assert events("placement.record") == 2
    assert last_event("placement.record").details["ended"] == first.pk


def test_new_placement_cannot_start_before_the_current_one(world: World) -> None:
    kinship(world.case_a1, world.officer_a1, start_date=days_ago(10))
    with pytest.raises(IllegalTransition):
        kinship(world.case_a1, world.officer_a1, start_date=days_ago(20), carer_name="Ông Bảy")
    assert Placement.objects.count() == 1


def test_one_active_placement_per_child_in_the_database(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1)
    clone = Placement(
        child_id=placement.child_id, case=placement.case, placement_type="foster",
        status="active", province_id="01", commune_id="00004", start_date=days_ago(1),
        reason="x", review_interval_days=180, requested_by=world.officer_a1,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_double_submission_is_idempotent(world: World) -> None:
    first = kinship(world.case_a1, world.officer_a1)
    again = kinship(world.case_a1, world.officer_a1)
    assert again.pk == first.pk
    assert Placement.objects.count() == 1
    assert last_event("placement.record").details["repeat"] is True


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"carer_name": "", "carer_relationship": ""}, {"carer_name", "carer_relationship"}),
        ({"placement_type": "orphanage"}, {"placement_type"}),
        ({"start_date": TODAY() + dt.timedelta(days=3)}, {"start_date"}),
        ({"start_date": "31/12/2024"}, {"start_date"}),
        ({"reason": "  "}, {"reason"}),
        ({"reason": "a\x00b"}, {"reason"}),
        ({"review_interval_days": 3}, {"review_interval_days"}),
        ({"review_interval_days": "abc"}, {"review_interval_days"}),
    ],
)
def test_bad_input_names_every_field(
    world: World, overrides: dict[str, Any], fields: set[str]
) -> None:
    with pytest.raises(ValidationFailed) as info:
        kinship(world.case_a1, world.officer_a1, **overrides)
    assert set(info.value.errors) == fields
    assert Placement.objects.count() == 0 and events("placement.record") == 0


def test_provider_types_need_an_active_agency(world: World) -> None:
    data: dict[str, Any] = {
        "placement_type": "community",
        "start_date": days_ago(1),
        "reason": "Nhóm nhỏ.",
    }
    with pytest.raises(ValidationFailed) as info:
        actions.record_placement(world.case_a1, acting_user=world.officer_a1, **data)
    assert set(info.value.errors) == {"agency"}
    world.agency_y.is_active = False
    world.agency_y.save()
    with pytest.raises(ValidationFailed):
        actions.record_placement(
            world.case_a1, acting_user=world.officer_a1, agency=world.agency_y, **data
        )
    placement = actions.record_placement(
        world.case_a1, acting_user=world.officer_a1, agency=world.agency_x, **data
    )
    assert placement.status == "active" and placement.agency_id == world.agency_x.pk


# --------------------------------------------------------------------------- gatekeeping


def test_residential_without_justification_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        propose(world, world.case_a1, world.officer_a1, ruled_out=None, justification="",
                facility_type="")  # fmt: skip
    expected = {f"ruled_out_{o}" for o in FAMILY_OPTIONS} | {"justification", "facility_type"}
    assert set(info.value.errors) == expected
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("option", FAMILY_OPTIONS)
def test_each_family_option_must_be_addressed(world: World, option: str) -> None:
    for missing in ("", "không", None):
        ruled_out = {**RULED_OUT, option: missing}
        with pytest.raises(ValidationFailed) as info:
            propose(world, world.case_a1, world.officer_a1, ruled_out=ruled_out)
        assert set(info.value.errors) == {f"ruled_out_{option}"}
    ruled_out = {k: v for k, v in RULED_OUT.items() if k != option}
    with pytest.raises(ValidationFailed) as info:
        propose(world, world.case_a1, world.officer_a1, ruled_out=ruled_out)
    assert set(info.value.errors) == {f"ruled_out_{option}"}


def test_residential_is_proposed_and_approved_by_another_manager(world: World) -> None:
    current = kinship(world.case_a1, world.officer_a1, start_date=days_ago(50))
    proposal = propose(world, world.case_a1, world.officer_a1)
    assert proposal.status == "proposed" and proposal.next_review_due is None
    current.refresh_from_db()
    assert current.status == "active"  # nothing changes before the approval
    decided = actions.decide_placement(
        proposal, approve=True, comment="", acting_user=world.manager_a,
        expected_version=proposal.version,
    )  # fmt: skip
    assert decided.status == "active" and decided.decided_by_id == world.manager_a.pk
    assert decided.next_review_due == days_ago(2) + dt.timedelta(days=90)
    current.refresh_from_db()
    assert (current.status, current.end_date) == ("ended", days_ago(2))
    assert events("placement.approve") == 1


def test_requester_cannot_approve_own_placement(world: World) -> None:
    proposal = propose(world, world.case_a1, world.manager_a)
    with pytest.raises(ActionNotAllowed):
        actions.decide_placement(
            proposal, approve=True, comment="", acting_user=world.manager_a,
            expected_version=proposal.version,
        )  # fmt: skip
    decided = actions.decide_placement(
        proposal, approve=True, comment="", acting_user=world.manager_a_deputy,
        expected_version=proposal.version,
    )  # fmt: skip
    assert decided.status == "active"


def test_other_province_manager_gets_not_found(world: World) -> None:
    proposal = propose(world, world.case_a1, world.officer_a1)
    with pytest.raises(NotFound) as info:
        actions.decide_placement(
            proposal, approve=True, comment="", acting_user=world.manager_b,
            expected_version=proposal.version,
        )  # fmt: skip
    missing = Placement(pk=10**9, case_id=10**9)
    with pytest.raises(NotFound) as info_missing:
        actions.decide_placement(
            missing, approve=True, comment="", acting_user=world.manager_b, expected_version=1
        )
    assert str(info.value) == str(info_missing.value)
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_officer_cannot_approve(world: World) -> None:
    proposal = propose(world, world.case_a1, world.manager_a)
    with pytest.raises(ActionNotAllowed):
        actions.decide_placement(
            proposal, approve=True, comment="", acting_user=world.officer_a1,
            expected_version=proposal.version,
        )  # fmt: skip


def test_reject_needs_a_comment_and_decides_once(world: World) -> None:
    proposal = propose(world, world.case_a1, world.officer_a1)
    kwargs: dict[str, Any] = {"acting_user": world.manager_a, "expected_version": 1}
    with pytest.raises(ValidationFailed) as info:
        actions.decide_placement(proposal, approve=False, comment=" ", **kwargs)
    assert set(info.value.errors) == {"comment"}
    rejected = actions.decide_placement(
        proposal, approve=False, comment="Hãy tìm gia đình nhận nuôi trước.", **kwargs
    )
    assert rejected.status == "rejected"
    with pytest.raises(Conflict):
        actions.decide_placement(proposal, approve=True, comment="", **kwargs)
    assert events("placement.reject") == 1 and events("placement.approve") == 0


def test_stale_version_is_a_conflict(world: World) -> None:
    proposal = propose(world, world.case_a1, world.officer_a1)
    with pytest.raises(Conflict):
        actions.decide_placement(
            proposal, approve=True, comment="", acting_user=world.manager_a, expected_version=7
        )


def test_second_residential_proposal_conflicts_but_a_repeat_does_not(world: World) -> None:
    first = propose(world, world.case_a1, world.officer_a1)
    assert propose(world, world.case_a1, world.officer_a1).pk == first.pk
    with pytest.raises(Conflict):
        propose(world, world.case_a1, world.officer_a1, facility_type="residential_public")
    assert Placement.objects.count() == 1


def test_closed_case_gets_no_new_placement(world: World) -> None:
    case = world.case_a1
    case_actions.request_closure(
        case, reason="other", note="Chuyển đi", acting_user=world.officer_a1
    )
    approval = case.approvals.get()
    case_actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a)
    with pytest.raises(IllegalTransition):
        kinship(case, world.officer_a1)


# --------------------------------------------------------------------------- reviews, end


def test_review_sets_the_next_due_date(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1, start_date=days_ago(200))
    assert placement.is_review_overdue
    review = actions.record_review(
        placement, acting_user=world.officer_a1, expected_version=placement.version,
        reviewed_on=days_ago(1), outcome="continue",
    )  # fmt: skip
    placement.refresh_from_db()
    assert review.next_due == days_ago(1) + dt.timedelta(days=180)
    assert placement.next_review_due == review.next_due and not placement.is_review_overdue
    assert placement.version == 2
    with pytest.raises(Conflict):  # a double submission of the same form
        actions.record_review(
            placement, acting_user=world.officer_a1, expected_version=1,
            reviewed_on=days_ago(1), outcome="continue",
        )  # fmt: skip
    assert PlacementReview.objects.count() == 1 and events("placement.review") == 1


def test_review_input_is_checked(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1, start_date=days_ago(20))
    with pytest.raises(ValidationFailed) as info:
        actions.record_review(
            placement, acting_user=world.officer_a1, expected_version=1,
            reviewed_on=days_ago(40), outcome="change", note="", next_due=days_ago(50),
        )  # fmt: skip
    assert set(info.value.errors) == {"reviewed_on", "note"}
    with pytest.raises(ValidationFailed) as info:
        actions.record_review(
            placement, acting_user=world.officer_a1, expected_version=1,
            reviewed_on=days_ago(1), outcome="continue", next_due=days_ago(5),
        )  # fmt: skip
    assert set(info.value.errors) == {"next_due"}


def test_end_placement(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1, start_date=days_ago(20))
    with pytest.raises(ValidationFailed) as info:
        actions.end_placement(
            placement, acting_user=world.officer_a1, expected_version=1,
            end_date=days_ago(30), end_reason="other",
        )  # fmt: skip
    assert set(info.value.errors) == {"end_date", "note"}
    ended = actions.end_placement(
        placement, acting_user=world.officer_a1, expected_version=1, end_date=days_ago(1),
        end_reason="reunified",
    )  # fmt: skip
    assert (ended.status, ended.end_date, ended.ended_by_id) == (
        "ended",
        days_ago(1),
        world.officer_a1.pk,
    )
    assert not ended.is_review_overdue
    with pytest.raises(IllegalTransition):
        actions.end_placement(
            ended, acting_user=world.officer_a1, expected_version=2, end_date=days_ago(1),
            end_reason="reunified",
        )  # fmt: skip
    with pytest.raises(IllegalTransition):
        actions.record_review(
            ended, acting_user=world.officer_a1, expected_version=2, reviewed_on=days_ago(1),
            outcome="continue",
        )  # fmt: skip


def test_officer_of_another_commune_gets_not_found(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1)
    with pytest.raises(NotFound):
        actions.end_placement(
            placement, acting_user=world.officer_a2, expected_version=1, end_date=days_ago(1),
            end_reason="reunified",
        )  # fmt: skip
    with pytest.raises(NotFound):
        kinship(world.case_a1, world.officer_b1)
