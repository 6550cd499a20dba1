"""The audit log is append-only at every level, and records who, when, what and how."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from baove.audit.log import record
from baove.audit.models import AppendOnlyError, AuditEvent
from baove.core import context

from .conftest import World

pytestmark = pytest.mark.django_db


def test_record_keeps_actor_role_channel_and_subject(world: World) -> None:
    with context.use(context.RequestContext(channel="api", ip="127.0.0.9", path="/api/x")):
        event = record(world.officer_a1, "case.view", case_id=7, child_id=8, object_type="case")
    event.refresh_from_db()
    assert (event.actor_username, event.actor_role, event.channel) == (
        "officer_a1", "commune_officer", "api",
    )  # fmt: skip
    assert (event.case_id, event.child_id, event.ip, event.url_path) == (
        7,
        8,
        "127.0.0.9",
        "/api/x",
    )
    assert event.at is not None and event.at.tzinfo is not None


def test_model_and_queryset_refuse_changes(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_database_refuses_raw_update_and_delete(world: World) -> None:
    count = AuditEvent.objects.count()
    assert count > 0
    for sql in (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEvent.objects.count() == count
    assert not AuditEvent.objects.filter(action="x").exists()
