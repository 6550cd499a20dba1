"""Read paths: search, caseload, export, aggregates, timeline (scoped and audited)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.cases import actions, reads
from baove.core.errors import ActionNotAllowed

from .conftest import World, case_data, child_data

pytestmark = pytest.mark.django_db


def test_search_with_and_without_tones(world: World) -> None:
    for query in ("nguyen thi huong", "Nguyễn Thị Hương", "NGUYEN THI", "hương", "huong nguyen"):
        found = reads.search_cases(world.officer_a1, query)
        assert [c.pk for c in found] == [world.case_a1.pk], query
    assert reads.search_cases(world.officer_a1, "tran") == []  # case_a2 is another commune
    assert {c.pk for c in reads.search_cases(world.manager_a, "lan tran")} == {world.case_a2.pk}
    assert reads.search_cases(world.officer_b1, "nguyen thi huong") == []
    assert [c.pk for c in reads.search_cases(world.officer_b1, "Huynh Van Nam")] == [
        world.case_b1.pk
    ]
    assert reads.search_cases(world.officer_a1, "   ") == []


def test_search_by_reference_and_id_number(world: World) -> None:
    ref = world.case_a1.reference
    assert [c.pk for c in reads.search_cases(world.officer_a1, ref.lower())] == [world.case_a1.pk]
    assert reads.search_cases(world.officer_b1, ref) == []
    born = dt.date(2014, 5, 5)
    case = actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(world.commune_a1.code, birth_date=born, id_number="001314999999"),
        case_data=case_data(),
    )
    assert [c.pk for c in reads.search_cases(world.officer_a1, "001 314 999 999")] == [case.pk]


def test_search_is_audited_with_result_ids(world: World) -> None:
    reads.search_cases(world.officer_a1, "nguyen")
    event = AuditEvent.objects.filter(action="case.search").latest("id")
    assert event.actor == world.officer_a1
    assert event.details["results"] == [world.case_a1.pk]


def test_search_needs_permission(world: World) -> None:
    for user in (world.analyst, world.auditor, world.admin, world.provider_x):
        with pytest.raises(ActionNotAllowed):
            reads.search_cases(user, "nguyen")


def test_caseload_puts_waiting_reports_first_by_deadline(world: World) -> None:
    officer = world.officer_a1
    low = actions.open_case(
        acting_user=officer, child_data=child_data(world.commune_a1.code, given_name="Lan"),
        case_data=case_data(risk_level="low"),
    )  # fmt: skip
    old_urgent = actions.open_case(
        acting_user=officer, child_data=child_data(world.commune_a1.code, given_name="Mai"),
        case_data=case_data(risk_level="urgent",
                            reported_at=timezone.now() - dt.timedelta(days=2)),
    )  # fmt: skip
    answered = actions.advance_case(
        world.case_a1, to_status="screened", acting_user=officer, expected_version=1
    )
    page = reads.caseload(officer)
    assert [c.pk for c in page.cases] == [old_urgent.pk, low.pk, answered.pk]
    assert (page.total, page.overdue) == (3, 1)
    overdue = reads.caseload(officer, overdue_only=True)
    assert [c.pk for c in overdue.cases] == [old_urgent.pk]
    # paging across the two slices keeps the order
    pages = [reads.caseload(officer, per_page=1, page=n).cases[0].pk for n in (1, 2, 3)]
    assert pages == [old_urgent.pk, low.pk, answered.pk]


def test_caseload_mine_includes_assigned(world: World) -> None:
    assert reads.caseload(world.manager_a).total == 0
    assert reads.caseload(world.manager_a, mine=False).total == 2
    actions.assign_case(world.case_a2, to_user=world.manager_a, acting_user=world.officer_a2)
    assert [c.pk for c in reads.caseload(world.manager_a).cases] == [world.case_a2.pk]


def test_export_is_scoped_neutralised_and_audited(world: World) -> None:
    actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(world.commune_a1.code, family_name="=HYPERLINK(1)"),
        case_data=case_data(),
    )
    text = "".join(reads.export_cases_csv(world.officer_a1))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == reads.EXPORT_COLUMNS
    names = [r[4] for r in rows[1:]]
    assert "'=HYPERLINK(1) Thị Hương" in names and "Nguyễn Thị Hương" in names
    assert len(rows) == 3  # two cases of commune A1, none of A2 or B1
    event = AuditEvent.objects.filter(action="case.export").latest("id")
    assert event.details["rows"] == 2
    with pytest.raises(ActionNotAllowed):
        reads.export_cases_csv(world.provider_x)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_neutralise(value: str) -> None:
    assert reads.neutralise(value).startswith("'")
    assert reads.neutralise("Hà Nội") == "Hà Nội"


def test_case_counts_suppress_small_cells(world: World, settings: object) -> None:
    cells = reads.case_counts(world.analyst, by="province")
    assert {c.key["province"]: c.value for c in cells} == {"01": None, "79": None}
    setattr(settings, "BAOVE_MIN_CELL", 1)  # noqa: B010
    cells = reads.case_counts(world.analyst, by="province")
    assert {c.key["province"]: c.value for c in cells} == {"01": 2, "79": 1}
    cells = reads.case_counts(world.manager_a, by="province")
    assert {c.key["province"]: c.value for c in cells} == {"01": 2}
    with pytest.raises(ActionNotAllowed):
        reads.case_counts(world.officer_a1)


def test_timeline_leaves_out_reads(world: World) -> None:
    reads.view_case(world.officer_a1, world.case_a1.pk)
    actions.add_note(world.case_a1, text="Gọi điện cho mẹ", acting_user=world.officer_a1)
    assert [e.action for e in reads.timeline(world.case_a1)] == ["case.note", "case.open"]
    assert AuditEvent.objects.filter(action="case.view", case_id=world.case_a1.pk).count() == 1


def test_case_related_attaches_people_and_needs_no_more_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    case = world.case_a1
    actions.record_consent(case, purpose="services", granted=False, given_by="Mẹ",
                           relationship="mother", acting_user=world.officer_a1)  # fmt: skip
    actions.record_consent(case, purpose="sharing", granted=True, given_by="Bố",
                           relationship="father", acting_user=world.manager_a)  # fmt: skip
    actions.share_case(case, agency=world.agency_x, acting_user=world.officer_a1)
    actions.add_note(case, text="Thăm nhà", acting_user=world.officer_a1)
    actions.assign_case(case, to_user=world.manager_a, acting_user=world.officer_a1)
    actions.request_closure(case, reason="no_concern", note="", acting_user=world.officer_a1)
    with django_assert_max_num_queries(6):
        related = reads.case_related(case)
        shown = (
            [(c.purpose, c.granted, c.recorded_by.username) for c in related.consents],
            [(a.kind, a.requested_by.username, a.decided_by) for a in related.approvals],
            [(n.text, n.author.display_name()) for n in related.notes],
            [a.user.username for a in related.assignments],
            [s.agency.code for s in related.shares],
            related.categories,
        )
    assert shown == (
        [("sharing", True, "manager_a"), ("services", False, "officer_a1")],  # newest first
        [("closure", "officer_a1", None)],
        [("Thăm nhà", "officer_a1")],
        ["manager_a"],
        ["sos-hanoi"],
        ["reported_abuse"],
    )
    assert related.consents[0].recorded_at.tzinfo is not None
    assert related.approvals[0].payload == {"reason": "no_concern", "note": ""}


def test_one_small_cell_is_never_hidden_alone(world: World, settings: Any) -> None:
    settings.BAOVE_MIN_CELL = 2  # province 01 has 2 open cases, 79 has 1
    cells = reads.case_counts(world.analyst, by="province")
    assert all(c.value is None for c in cells)  # 01 hidden too, or 79 = total - 2


def test_approvals_queue_is_audited(world: World) -> None:
    actions.request_closure(
        world.case_a1, reason="no_concern", note="", acting_user=world.officer_a1
    )
    rows = reads.approvals_queue(world.manager_a)
    assert [a.case_id for a in rows] == [world.case_a1.pk]
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.details["results"]) == ("case.list", [world.case_a1.pk])


def test_timeline_read_on_its_own_is_audited(world: World) -> None:
    events = list(reads.view_timeline(world.officer_a1, world.case_a1.pk))
    assert [e.action for e in events] == ["case.open"]
    last = AuditEvent.objects.latest("id")
    assert (last.action, last.details) == ("case.view", {"part": "timeline"})


def test_export_audit_names_the_cases(world: World) -> None:
    "".join(reads.export_cases_csv(world.manager_a))
    event = AuditEvent.objects.filter(action="case.export").latest("id")
    assert event.details["results"] == sorted([world.case_a1.pk, world.case_a2.pk])


def test_access_case_agrees_with_scoped_cases_for_every_user_and_case(world: World) -> None:
    # access_case reads through its own SQL for speed; it must grant exactly what
    # scoped_cases grants, for every role and place, and the same NotFound otherwise.
    from baove.cases.access import access_case, scoped_cases
    from baove.cases.models import Case
    from baove.core.errors import NotFound

    from .conftest import share_with

    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    cases = list(Case.objects.all())
    granted = 0
    for name, user in world.users().items():
        for case in cases:
            allowed = scoped_cases(user).filter(pk=case.pk).exists()
            if allowed:
                got = access_case(user, case.pk)
                assert got.pk == case.pk, name
                assert got.child.full_name == case.child.full_name
                assert got.owner.username == case.owner.username
                granted += 1
            else:
                with pytest.raises(NotFound):
                    access_case(user, case.pk)
    assert granted >= 6  # officers, managers and the provider of agency X see cases
    with pytest.raises(NotFound):
        access_case(world.manager_a, 10**30)  # out of the database's integer range


def test_access_case_knows_which_related_lists_are_empty(world: World) -> None:
    from baove.cases.access import access_case

    from .conftest import share_with

    case = access_case(world.officer_a1, world.case_a1.pk)
    has = case.has_related  # type: ignore[attr-defined]
    assert has["shares"] is False and has["approvals"] is False
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    actions.add_note(world.case_a1, text="Đã gặp gia đình.", acting_user=world.officer_a1)
    case = access_case(world.officer_a1, world.case_a1.pk)
    has = case.has_related  # type: ignore[attr-defined]
    assert has["shares"] is True and has["notes"] is True and has["consents"] is True
    related = reads.case_related(case)
    assert [s.agency.code for s in related.shares] == [world.agency_x.code]
    assert len(related.notes) == 1
