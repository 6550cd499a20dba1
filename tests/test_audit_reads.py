"""Searching the audit log: auditors only, filters, and the search itself is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.audit.reads import AuditFilter, audit_events
from baove.cases import actions
from baove.core.errors import ActionNotAllowed

from .conftest import World

pytestmark = pytest.mark.django_db


def test_only_auditors_read_the_log(world: World) -> None:
    for user in (world.officer_a1, world.manager_a, world.analyst, world.admin, world.provider_x):
        with pytest.raises(ActionNotAllowed):
            audit_events(user, AuditFilter())


def test_filters(world: World) -> None:
    actions.add_note(world.case_a1, text="một", acting_user=world.officer_a1)
    actions.add_note(world.case_b1, text="hai", acting_user=world.officer_b1)
    by_action = audit_events(world.auditor, AuditFilter(action="case.note"))
    assert {e.case_id for e in by_action} == {world.case_a1.pk, world.case_b1.pk}
    prefix = {e.action for e in audit_events(world.auditor, AuditFilter(action="case."))}
    assert prefix == {"case.open", "case.note"}
    mine = audit_events(world.auditor, AuditFilter(actor="officer_b1", action="case.note"))
    assert [e.case_id for e in mine] == [world.case_b1.pk]
    assert [e.action for e in audit_events(world.auditor, AuditFilter(case_id=world.case_a1.pk))][
        :1
    ] == ["case.note"]  # newest first
    later = timezone.now() + dt.timedelta(minutes=1)
    assert not audit_events(world.auditor, AuditFilter(since=later)).exists()
    assert audit_events(world.auditor, AuditFilter(until=later, channel="system")).exists()


def test_each_search_is_logged_with_its_filters(world: World) -> None:
    before = AuditEvent.objects.count()
    audit_events(world.auditor, AuditFilter(action="case.view", case_id=5))
    event = AuditEvent.objects.latest("id")
    assert AuditEvent.objects.count() == before + 1
    assert event.action == "audit.view" and event.actor == world.auditor
    assert event.details == {"filters": {"action": "case.view", "case_id": 5}}
