"""Placement reads: scope, audit, reviews due, approval queue and counts by type."""

from __future__ import annotations

from typing import Any

import pytest

from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, NotFound
from baove.placements import actions, reads
from baove.placements.reads import TypeCount

from .conftest import World
from .test_placements_actions import days_ago, kinship, propose


def test_reviews_due_lists_overdue_first_in_scope(world: World) -> None:
    late = kinship(world.case_a1, world.officer_a1, start_date=days_ago(200))
    soon = kinship(world.case_a2, world.officer_a2, start_date=days_ago(170))
    kinship(world.case_b1, world.officer_b1, start_date=days_ago(300))
    assert late.is_review_overdue and not soon.is_review_overdue
    assert [p.pk for p in reads.reviews_due(world.manager_a)] == [late.pk, soon.pk]
    assert [p.pk for p in reads.reviews_due(world.officer_a2)] == [soon.pk]
    assert [p.pk for p in reads.reviews_due(world.manager_a, within_days=0)] == [late.pk]
    event = AuditEvent.objects.filter(action="placement.list").order_by("id").first()
    assert event is not None and event.details["results"] == [late.pk, soon.pk]
    assert reads.overdue_review_count(world.manager_a) == 1
    assert reads.overdue_review_count(world.officer_a2) == 0
    assert reads.overdue_review_count(world.manager_b) == 1
    assert reads.overdue_review_count(world.analyst) == 0
    with pytest.raises(ActionNotAllowed):
        reads.reviews_due(world.provider_x)


def test_approvals_queue_is_the_province_of_the_manager(world: World) -> None:
    a = propose(world, world.case_a1, world.officer_a1)
    b = propose(world, world.case_b1, world.officer_b1)
    assert [p.pk for p in reads.approvals_queue(world.manager_a)] == [a.pk]
    assert [p.pk for p in reads.approvals_queue(world.manager_b)] == [b.pk]
    with pytest.raises(ActionNotAllowed):
        reads.approvals_queue(world.officer_a1)


def test_view_placement_is_scoped_and_audited(world: World) -> None:
    placement = kinship(world.case_a1, world.officer_a1)
    found, reviews = reads.view_placement(world.manager_a, placement.pk)
    assert found.pk == placement.pk and reviews == []
    assert AuditEvent.objects.filter(
        action="placement.view", child_id=placement.child_id, actor=world.manager_a
    ).exists()
    for user in (world.officer_a2, world.manager_b, world.provider_x):
        with pytest.raises(NotFound):
            reads.view_placement(user, placement.pk)
    with pytest.raises(NotFound):
        reads.get_placement(world.manager_a, "x")


def test_provider_sees_placements_of_shared_cases(world: World) -> None:
    from .conftest import share_with

    placement = kinship(world.case_a1, world.officer_a1)
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    case, rows = reads.list_for_case(world.provider_x, world.case_a1.pk)
    assert [p.pk for p in rows] == [placement.pk] and case.pk == world.case_a1.pk


def test_counts_by_type_now_and_as_of(world: World, settings: Any) -> None:
    old = kinship(world.case_a1, world.officer_a1, start_date=days_ago(100))
    actions.record_placement(
        world.case_a1, acting_user=world.officer_a1, placement_type="foster",
        start_date=days_ago(50), reason="Chuyển sang gia đình nhận nuôi.",
        carer_name="Phạm Văn Tư", carer_relationship="Người nhận nuôi",
    )  # fmt: skip
    kinship(world.case_a2, world.officer_a2, start_date=days_ago(10))
    kinship(world.case_b1, world.officer_b1, start_date=days_ago(10))
    proposal = propose(world, world.case_b1, world.officer_b1)  # proposed: not counted
    assert proposal.status == "proposed"
    assert reads.counts_by_type() == [
        TypeCount("01", "kinship", 1), TypeCount("01", "foster", 1), TypeCount("79", "kinship", 1),
    ]  # fmt: skip
    assert reads.counts_by_type("79") == [TypeCount("79", "kinship", 1)]
    # 60 days ago the first child was still in kinship care, the others not yet placed.
    assert reads.counts_by_type(as_of=days_ago(60)) == [TypeCount("01", "kinship", 1)]
    # On the day the foster placement started, the kinship one had ended.
    assert reads.counts_by_type(as_of=days_ago(50)) == [TypeCount("01", "foster", 1)]
    assert old.pk
    assert reads.counts_by_type(min_cell=2) == [
        TypeCount("01", "kinship", None), TypeCount("01", "foster", None),
        TypeCount("79", "kinship", None),
    ]  # fmt: skip
    settings.BAOVE_MIN_CELL = 1
    assert reads.counts_for(world.manager_a) == [
        TypeCount("01", "kinship", 1),
        TypeCount("01", "foster", 1),
    ]
    assert len(reads.counts_for(world.analyst)) == 3
    with pytest.raises(ActionNotAllowed):
        reads.counts_for(world.officer_a1)


def test_provider_does_not_see_placements_of_the_childs_unshared_cases(world: World) -> None:
    from baove.cases import actions as case_actions

    from .conftest import case_data, share_with

    hidden = kinship(world.case_a1, world.officer_a1)  # on case A1, never shared
    second = case_actions.open_case(
        acting_user=world.officer_a1, child=world.case_a1.child, case_data=case_data()
    )
    share_with(world, second, world.agency_x, world.officer_a1)
    _case, rows = reads.list_for_case(world.provider_x, second.pk)
    assert hidden.pk not in [p.pk for p in rows]
    # The officer of the commune sees the child's whole history from either case.
    _case, rows = reads.list_for_case(world.officer_a1, second.pk)
    assert [p.pk for p in rows] == [hidden.pk]
