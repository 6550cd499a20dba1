"""Tests of the case actions: workflow, approvals, consent, conflicts, audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.cases import actions
from baove.cases.models import Approval, Case, CaseCategory, Consent
from baove.core.errors import (
    ActionNotAllowed,
    Conflict,
    ConsentMissing,
    DomainError,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from baove.registry.models import Child

from .conftest import World, case_data, child_data

pytestmark = pytest.mark.django_db


def events(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(case_id=case.pk).order_by("id").values_list("action", flat=True)
    )


def walk_to_case_plan(world: World, case: Case) -> Case:
    for stage in ("screened", "assessment", "case_plan"):
        case = actions.advance_case(
            case, to_status=stage, acting_user=world.officer_a1, expected_version=case.version
        )
    return case


def test_open_case_creates_child_case_categories_and_one_audit_event(world: World) -> None:
    case = world.case_a1
    assert case.status == "reported"
    assert case.child.name_folded == "nguyen thi huong"
    assert case.child.given_first_folded == "huong nguyen thi"
    assert case.province_id == "01" and case.commune_id == "00004"
    assert list(CaseCategory.objects.filter(case=case).values_list("code", flat=True)) == [
        "reported_abuse"
    ]
    # high risk: response due 24 hours after the report
    assert (case.response_due_at - case.reported_at).total_seconds() == 24 * 3600
    assert events(case) == ["case.open"]
    assert case.reference.startswith("01-")


def test_open_case_outside_area_is_refused_and_writes_nothing(world: World) -> None:
    children, cases = Child.objects.count(), Case.objects.count()
    with pytest.raises(ActionNotAllowed):
        actions.open_case(
            acting_user=world.officer_a1,
            child_data=child_data(world.commune_b1.code),
            case_data=case_data(),
        )
    assert (Child.objects.count(), Case.objects.count()) == (children, cases)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "2020-02-30"}, "birth_date"),
        ({"birth_date": "1990-05-05"}, "birth_date"),
        ({"commune": "99999"}, "commune"),
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": "999300012345"}, "id_number"),
        ({"given_name": "A" * 51}, "given_name"),
        ({"given_name": "Hư\x00ơng"}, "given_name"),
        ({"given_name": ""}, "given_name"),
        ({"sex": "X"}, "sex"),
        ({"ethnicity": "77"}, "ethnicity"),
        ({"birth_date": 12}, "birth_date"),
    ],
)
def test_bad_child_input_names_the_field_and_writes_nothing(
    world: World, override: dict[str, object], field: str
) -> None:
    before = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as info:
        actions.open_case(
            acting_user=world.officer_a1,
            child_data=child_data(world.commune_a1.code, **override),
            case_data=case_data(),
        )
    assert field in info.value.errors
    assert (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()) == before


def test_valid_id_number_is_accepted_and_must_be_unique(world: World) -> None:
    born = timezone.localdate().replace(year=2015, month=3, day=1)
    data = child_data(world.commune_a1.code, birth_date=born, id_number="001 315 012345")
    case = actions.open_case(acting_user=world.officer_a1, child_data=data, case_data=case_data())
    assert case.child.id_number == "001315012345"
    with pytest.raises(ValidationFailed) as info:
        actions.open_case(acting_user=world.officer_a1, child_data=data, case_data=case_data())
    assert "id_number" in info.value.errors


def test_bad_case_input(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        actions.open_case(
            acting_user=world.officer_a1,
            child_data=child_data(world.commune_a1.code),
            case_data=case_data(categories=[], risk_level="extreme", summary=""),
        )
    assert {"categories", "risk_level", "summary"} <= set(info.value.errors)


def test_workflow_needs_approved_plan_and_consent(world: World) -> None:
    case = walk_to_case_plan(world, world.case_a1)
    assert case.first_response_at is not None
    with pytest.raises(IllegalTransition):
        actions.advance_case(
            case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
        )
    approval = actions.submit_case_plan(
        case, plan="Thăm nhà hằng tuần", acting_user=world.officer_a1
    )
    # a double click submits the same plan again: same pending request, nothing new
    again = actions.submit_case_plan(case, plan="Thăm nhà hằng tuần", acting_user=world.officer_a1)
    assert again.pk == approval.pk
    assert Approval.objects.filter(case=case).count() == 1
    with pytest.raises(ActionNotAllowed):  # officers cannot approve
        actions.decide_approval(approval, approve=True, comment="", acting_user=world.officer_a1)
    actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a)
    case.refresh_from_db()
    assert case.plan_text == "Thăm nhà hằng tuần" and case.plan_approved_at is not None
    with pytest.raises(ConsentMissing):
        actions.advance_case(
            case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
        )
    actions.record_consent(
        case, purpose="services", granted=True, given_by="Lê Thị Mai", relationship="mother",
        acting_user=world.officer_a1,
    )  # fmt: skip
    case = actions.advance_case(
        case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
    )
    assert case.status == "services"


def test_withdrawn_consent_is_respected(world: World) -> None:
    case = walk_to_case_plan(world, world.case_a1)
    consent = actions.record_consent(
        case, purpose="services", granted=True, given_by="Lê Thị Mai", relationship="mother",
        acting_user=world.officer_a1,
    )  # fmt: skip
    actions.withdraw_consent(consent, acting_user=world.officer_a1)
    approval = actions.submit_case_plan(case, plan="Kế hoạch", acting_user=world.officer_a1)
    actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a)
    case.refresh_from_db()
    with pytest.raises(ConsentMissing):
        actions.advance_case(
            case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
        )


def test_illegal_transition_changes_nothing(world: World) -> None:
    case = world.case_a1
    with pytest.raises(IllegalTransition):
        actions.advance_case(
            case, to_status="follow_up", acting_user=world.officer_a1, expected_version=1
        )
    with pytest.raises(IllegalTransition):
        actions.advance_case(
            case, to_status="closed", acting_user=world.officer_a1, expected_version=1
        )
    with pytest.raises(IllegalTransition):
        actions.advance_case(
            case, to_status="bogus", acting_user=world.officer_a1, expected_version=1
        )
    case.refresh_from_db()
    assert case.status == "reported" and case.version == 1
    assert events(case) == ["case.open"]


def test_stale_edit_is_a_conflict_and_loses_nothing(world: World) -> None:
    case = world.case_a1
    actions.update_case(case, acting_user=world.officer_a1, expected_version=1, risk_level="urgent")
    with pytest.raises(Conflict):
        actions.update_case(case, acting_user=world.manager_a, expected_version=1, risk_level="low")
    case.refresh_from_db()
    assert case.risk_level == "urgent" and case.version == 2
    # urgent before any response: deadline moves to 12 hours
    assert (case.response_due_at - case.reported_at).total_seconds() == 12 * 3600


def test_closure_needs_manager_approval_four_eyes_and_reopen(world: World) -> None:
    case = world.case_a1
    with pytest.raises(ValidationFailed):
        actions.request_closure(case, reason="other", note="", acting_user=world.officer_a1)
    approval = actions.request_closure(
        case, reason="no_concern", note="", acting_user=world.manager_a
    )
    with pytest.raises(ActionNotAllowed):
        actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a)
    with pytest.raises(NotFound):  # the other province's manager cannot see it
        actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_b)
    with pytest.raises(ValidationFailed):  # rejecting needs a comment
        actions.decide_approval(
            approval, approve=False, comment="", acting_user=world.manager_a_deputy
        )
    actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a_deputy)
    with pytest.raises(Conflict):  # decided once only
        actions.decide_approval(
            approval, approve=False, comment="no", acting_user=world.manager_a_deputy
        )
    case.refresh_from_db()
    assert case.status == "closed" and not case.is_open and case.closure_reason == "no_concern"
    with pytest.raises(IllegalTransition):
        actions.update_case(
            case, acting_user=world.officer_a1, expected_version=case.version, risk_level="low"
        )
    case = actions.reopen_case(
        case, reason="Tái phát", acting_user=world.officer_a1, expected_version=case.version
    )
    assert case.status == "assessment" and case.is_open and case.closure_reason == ""
    assert events(case)[-3:] == ["approval.request_closure", "approval.approved", "case.reopen"]


def test_each_action_writes_exactly_one_audit_event(world: World) -> None:
    case = world.case_a1
    steps: list[Callable[[], object]] = [
        lambda: actions.advance_case(case, to_status="screened", acting_user=world.officer_a1,
                                     expected_version=1),
        lambda: actions.add_note(case, text="Đã gọi điện", acting_user=world.officer_a1),
        lambda: actions.assign_case(case, to_user=world.manager_a, acting_user=world.officer_a1),
        lambda: actions.assign_case(case, to_user=world.manager_a, acting_user=world.officer_a1),
        lambda: actions.unassign_case(case, user=world.manager_a, acting_user=world.officer_a1),
        lambda: actions.record_consent(case, purpose="sharing", granted=True, given_by="Bố",
                                       relationship="father", acting_user=world.officer_a1),
        lambda: actions.share_case(case, agency=world.agency_x, acting_user=world.officer_a1),
    ]  # fmt: skip
    for step in steps:
        before = AuditEvent.objects.count()
        step()
        assert AuditEvent.objects.count() == before + 1


def test_assign_only_to_caseworkers_covering_the_area(world: World) -> None:
    for other in (world.officer_b1, world.officer_a2, world.analyst, world.provider_x):
        with pytest.raises(DomainError) as info:
            actions.assign_case(world.case_a1, to_user=other, acting_user=world.manager_a)
        assert info.value.field == "user"


def test_sharing_needs_consent(world: World) -> None:
    with pytest.raises(ConsentMissing):
        actions.share_case(world.case_a1, agency=world.agency_x, acting_user=world.officer_a1)


def test_update_child_keeps_case_search_keys_in_step(world: World) -> None:
    from baove.registry.actions import update_child

    child = world.case_a1.child
    update_child(
        child, changes={"given_name": "Hường"}, expected_version=1, acting_user=world.officer_a1
    )
    case = Case.objects.get(pk=world.case_a1.pk)
    assert (case.name_folded, case.given_first_folded) == ("nguyen thi huong", "huong nguyen thi")
    update_child(
        child, changes={"family_name": "Lê", "given_name": "Mai"}, expected_version=2,
        acting_user=world.officer_a1,
    )  # fmt: skip
    case.refresh_from_db()
    assert (case.name_folded, case.given_first_folded) == ("le thi mai", "mai le thi")
    with pytest.raises(Conflict):
        update_child(
            child, changes={"given_name": "X"}, expected_version=2, acting_user=world.officer_a1
        )
    with pytest.raises(NotFound):
        update_child(
            child, changes={"given_name": "X"}, expected_version=3, acting_user=world.officer_b1
        )


def test_stale_transition_is_a_conflict_not_an_illegal_step(world: World) -> None:
    case = world.case_a1
    actions.advance_case(
        case, to_status="screened", acting_user=world.manager_a, expected_version=1
    )
    # A second worker still looking at the "reported" page asks for the same step.
    with pytest.raises(Conflict):
        actions.advance_case(
            case, to_status="screened", acting_user=world.officer_a1, expected_version=1
        )


def _to_services(world: World, case: Case) -> tuple[Case, Consent]:
    case = walk_to_case_plan(world, case)
    approval = actions.submit_case_plan(case, plan="Kế hoạch", acting_user=world.officer_a1)
    actions.decide_approval(approval, approve=True, comment="", acting_user=world.manager_a)
    consent = actions.record_consent(
        case, purpose="services", granted=True, given_by="Mẹ", relationship="mother",
        acting_user=world.officer_a1,
    )  # fmt: skip
    case.refresh_from_db()
    case = actions.advance_case(
        case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
    )
    return case, consent


def test_back_to_services_needs_standing_consent(world: World) -> None:
    case, consent = _to_services(world, world.case_a1)
    case = actions.advance_case(
        case, to_status="follow_up", acting_user=world.officer_a1, expected_version=case.version
    )
    actions.withdraw_consent(consent, acting_user=world.officer_a1)
    with pytest.raises(ConsentMissing):
        actions.advance_case(
            case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
        )


def test_services_wait_for_a_newer_plan_under_review(world: World) -> None:
    case = walk_to_case_plan(world, world.case_a1)
    first = actions.submit_case_plan(case, plan="Bản 1", acting_user=world.officer_a1)
    actions.decide_approval(first, approve=True, comment="", acting_user=world.manager_a)
    actions.submit_case_plan(case, plan="Bản 2", acting_user=world.officer_a1)
    actions.record_consent(case, purpose="services", granted=True, given_by="Mẹ",
                           relationship="mother", acting_user=world.officer_a1)  # fmt: skip
    case.refresh_from_db()
    with pytest.raises(IllegalTransition):
        actions.advance_case(
            case, to_status="services", acting_user=world.officer_a1, expected_version=case.version
        )


def test_closing_and_reopening_cancel_waiting_requests(world: World) -> None:
    case = walk_to_case_plan(world, world.case_a1)
    plan = actions.submit_case_plan(case, plan="Cũ", acting_user=world.officer_a1)
    closure = actions.request_closure(
        case, reason="no_concern", note="", acting_user=world.officer_a1
    )
    actions.decide_approval(closure, approve=True, comment="", acting_user=world.manager_a)
    plan.refresh_from_db()
    assert plan.status == "rejected" and plan.decided_by == world.manager_a
    with pytest.raises(Conflict):  # the old plan can no longer be approved after reopening
        actions.decide_approval(plan, approve=True, comment="", acting_user=world.manager_a)
    case.refresh_from_db()
    case = actions.reopen_case(
        case, reason="Tái phát", acting_user=world.officer_a1, expected_version=case.version
    )
    assert case.plan_approved_at is None
    assert not Approval.objects.filter(case=case, status="pending").exists()


def test_refused_sharing_consent_revokes_shares_but_an_older_one_does_not(world: World) -> None:
    from baove.cases.access import scoped_cases

    case = world.case_a1
    old = actions.record_consent(case, purpose="sharing", granted=True, given_by="Bố",
                                 relationship="father", acting_user=world.officer_a1)  # fmt: skip
    actions.record_consent(case, purpose="sharing", granted=True, given_by="Mẹ",
                           relationship="mother", acting_user=world.officer_a1)  # fmt: skip
    actions.share_case(case, agency=world.agency_x, acting_user=world.officer_a1)
    actions.withdraw_consent(old, acting_user=world.officer_a1)  # the newer consent stands
    assert scoped_cases(world.provider_x).filter(pk=case.pk).exists()
    actions.record_consent(case, purpose="sharing", granted=False, given_by="Mẹ",
                           relationship="mother", acting_user=world.officer_a1)  # fmt: skip
    assert not scoped_cases(world.provider_x).filter(pk=case.pk).exists()


def test_report_cannot_be_older_than_the_child(world: World) -> None:
    import datetime as dt

    with pytest.raises(ValidationFailed) as info:
        actions.open_case(
            acting_user=world.officer_a1,
            child_data=child_data(world.commune_a1.code),
            case_data=case_data(reported_at=timezone.now() - dt.timedelta(days=20 * 365)),
        )
    assert "reported_at" in info.value.errors
