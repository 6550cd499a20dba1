"""Registry actions: caregivers and households (child updates: see test_cases_actions)."""

from __future__ import annotations

import pytest

from baove.audit.models import AuditEvent
from baove.core.errors import NotFound, ValidationFailed
from baove.registry import actions
from baove.registry.models import Caregiver, Household

from .conftest import World

pytestmark = pytest.mark.django_db


def test_add_caregiver_and_its_errors(world: World) -> None:
    child = world.case_a1.child
    link = actions.add_caregiver(
        child, acting_user=world.officer_a1,
        data={"full_name": "Nguyễn Văn Bình", "relationship": "father", "phone": "0912 345 678",
              "is_primary": True},
    )  # fmt: skip
    assert (link.caregiver.full_name, link.relationship, link.is_primary) == (
        "Nguyễn Văn Bình", "father", True,
    )  # fmt: skip
    before = Caregiver.objects.count()
    with pytest.raises(ValidationFailed) as info:
        actions.add_caregiver(
            child, acting_user=world.officer_a1,
            data={"full_name": "", "relationship": "uncle", "phone": "abc", "is_primary": "yes"},
        )  # fmt: skip
    assert {"full_name", "relationship", "phone", "is_primary"} <= set(info.value.errors)
    assert Caregiver.objects.count() == before
    with pytest.raises(NotFound):
        actions.add_caregiver(
            child, acting_user=world.officer_b1,
            data={"full_name": "X", "relationship": "father"},
        )  # fmt: skip


def test_household_is_created_once_then_updated_and_takes_the_caregivers(world: World) -> None:
    child = world.case_a1.child
    link = actions.add_caregiver(
        child,
        acting_user=world.officer_a1,
        data={"full_name": "Lê Thị Mai", "relationship": "mother"},
    )
    first = actions.set_household(
        child,
        acting_user=world.officer_a1,
        data={"address": "Số 5 ngõ 12", "poverty_status": "poor"},
    )
    child.refresh_from_db()
    link.caregiver.refresh_from_db()
    assert child.household_id == first.pk == link.caregiver.household_id
    assert (first.commune_id, first.address, first.poverty_status) == (
        "00004",
        "Số 5 ngõ 12",
        "poor",
    )
    again = actions.set_household(
        child, acting_user=world.manager_a, data={"address": "Số 7", "poverty_status": "near_poor"}
    )
    assert again.pk == first.pk and Household.objects.count() == 1
    assert (again.address, again.poverty_status) == ("Số 7", "near_poor")
    events = AuditEvent.objects.filter(action="child.household", child_id=child.pk)
    assert [e.details["created"] for e in events.order_by("id")] == [True, False]


def test_household_errors_change_nothing(world: World) -> None:
    child = world.case_a1.child
    with pytest.raises(ValidationFailed) as info:
        actions.set_household(
            child, acting_user=world.officer_a1,
            data={"address": "x" * 301, "poverty_status": "rich"},
        )  # fmt: skip
    assert {"address", "poverty_status"} <= set(info.value.errors)
    assert not Household.objects.exists()
    with pytest.raises(NotFound):
        actions.set_household(child, acting_user=world.officer_b1, data={})


def test_caregiver_and_household_changes_show_in_the_case_timeline(world: World) -> None:
    from baove.cases import reads

    case = world.case_a1
    actions.add_caregiver(case.child, acting_user=world.officer_a1, case_id=case.pk,
                          data={"full_name": "Lê Thị Mai", "relationship": "mother"})  # fmt: skip
    actions.set_household(case.child, acting_user=world.officer_a1, case_id=case.pk,
                          data={"address": "Số 5", "poverty_status": "poor"})  # fmt: skip
    assert [e.action for e in reads.timeline(case)][:2] == [
        "child.household",
        "child.add_caregiver",
    ]


def test_household_from_a_stale_child_object_is_not_created_twice(world: World) -> None:
    stale = world.case_a1.child  # loaded before anyone recorded a household
    actions.set_household(stale.__class__.objects.get(pk=stale.pk), acting_user=world.officer_a1,
                          data={"address": "Số 5", "poverty_status": "poor"})  # fmt: skip
    assert stale.household_id is None
    actions.set_household(stale, acting_user=world.manager_a,
                          data={"address": "Số 6", "poverty_status": "near_poor"})  # fmt: skip
    assert Household.objects.count() == 1
    assert Household.objects.get().address == "Số 6"
