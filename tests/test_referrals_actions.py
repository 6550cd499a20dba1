"""Tests of the referral actions: every state change, each refusal, idempotency, audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.core.errors import (
    ActionNotAllowed,
    Conflict,
    ConsentMissing,
    IllegalTransition,
    NotFound,
    ValidationFailed,
)
from baove.notifications.models import Notification
from baove.referrals import actions
from baove.referrals.models import Referral, ReferralEvent
from baove.services import actions as service_actions

from .conftest import World
from .test_referrals_helpers import consent, send, service_x, service_y

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world: World) -> World:
    consent(world.case_a1, world.officer_a1)
    return world


def events(action: str) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_send_happy_path_snapshot_deadline_audit_and_notification(ready: World) -> None:
    w = ready
    service = service_x(w)
    before = timezone.now()
    r = send(w, service, urgency="emergency")
    assert r.status == "sent" and r.is_open and r.to_agency_id == w.agency_x.pk
    assert r.from_commune_id == w.commune_a1.code and r.from_province_id == "01"
    assert r.child_id == w.case_a1.child_id
    assert r.reference.startswith("R01-")
    assert 3.9 * 3600 < (r.respond_by - before).total_seconds() <= 4 * 3600 + 5
    assert r.shared["name"] == "Nguyễn Thị Hương" and r.shared["age"] in (8, 9)
    assert set(r.shared) == {"name", "age", "sex", "commune", "commune_name", "reason"}
    assert events("referral.send") == 1
    assert ReferralEvent.objects.filter(referral=r, to_status="sent").count() == 1
    n = Notification.objects.get(kind="referral_new")
    assert n.recipient_id == w.provider_x.pk and n.params["reference"] == r.reference


def test_snapshot_only_holds_the_fields_picked(ready: World) -> None:
    r = send(ready, service_x(ready), shared_fields=["age", "caregiver"])
    assert set(r.shared) == {"age", "caregiver"}
    assert "name" not in r.shared and "reason" not in r.shared


def test_double_click_gives_the_same_referral(ready: World) -> None:
    service = service_x(ready)
    first = send(ready, service, key="same")
    second = send(ready, service, key="same")
    assert first.pk == second.pk
    assert Referral.objects.count() == 1 and events("referral.send") == 1


def test_key_reused_for_another_case_is_a_conflict(ready: World) -> None:
    w = ready
    service = service_y(w)
    send(w, service, key="same")
    consent(w.case_a2, w.manager_a)
    with pytest.raises(Conflict):
        send(w, service, key="same", case=w.case_a2, by=w.manager_a)


def test_send_refusals_leave_nothing(ready: World) -> None:
    w = ready
    service = service_x(w)
    with pytest.raises(ValidationFailed) as info:
        send(w, service, urgency="soon", reason="  ", shared_fields=["ssn"])
    assert set(info.value.errors) == {"urgency", "reason", "shared_fields"}
    assert Referral.objects.count() == 0


def test_service_must_cover_the_commune(world: World) -> None:
    w = world
    consent(w.case_a2, w.officer_a2)
    with pytest.raises(ValidationFailed) as info:
        send(w, service_x(w), case=w.case_a2, by=w.officer_a2)
    assert "service" in info.value.errors and "commune" in str(info.value.errors["service"][0])


def test_closed_service_and_no_referrals_service_are_refused(ready: World) -> None:
    w = ready
    service = service_x(w)
    service_actions.close_service(service, acting_user=w.manager_a, expected_version=1)
    service.refresh_from_db()
    with pytest.raises(ValidationFailed) as info:
        send(w, service)
    assert "closed" in str(info.value.errors["service"][0])
    other = service_x(w, name="Không nhận", accepts_referrals=False)
    other.refresh_from_db()
    assert not other.accepts_referrals
    with pytest.raises(ValidationFailed):
        send(w, other)


def test_no_consent_is_refused_and_only_a_manager_may_override(world: World) -> None:
    w = world
    service = service_x(w)
    with pytest.raises(ConsentMissing):
        send(w, service)
    with pytest.raises(ActionNotAllowed):
        send(w, service, consent_override_reason="Khẩn cấp")
    consent(w.case_a1, w.officer_a1, "services")  # sharing still missing
    with pytest.raises(ConsentMissing):
        send(w, service)
    r = send(w, service, by=w.manager_a, consent_override_reason="Trẻ gặp nguy hiểm ngay.")
    assert r.consent_override_reason == "Trẻ gặp nguy hiểm ngay."
    event = AuditEvent.objects.get(action="referral.send")
    assert event.details["consent_override"] is True


def test_other_area_and_wrong_roles_cannot_send(ready: World) -> None:
    w = ready
    service = service_y(w)
    with pytest.raises(NotFound):
        send(w, service, by=w.officer_b1)
    for user in (w.provider_x, w.analyst, w.auditor, w.admin):
        with pytest.raises(ActionNotAllowed):
            send(w, service, by=user)


def test_full_lifecycle_and_notifications(ready: World) -> None:
    w = ready
    r = send(w, service_x(w))
    r = actions.accept(r, acting_user=w.provider_x, expected_version=r.version)
    assert r.status == "accepted" and r.first_response_at and r.accepted_at
    assert Notification.objects.filter(kind="referral_accepted", recipient=w.officer_a1).exists()
    r = actions.record_delivery(
        r, outcome="completed", note="Đã tư vấn 3 buổi.", acting_user=w.provider_x,
        expected_version=r.version,
    )  # fmt: skip
    assert r.status == "delivered" and r.is_open and r.delivery_outcome == "completed"
    r = actions.close(r, acting_user=w.officer_a1, expected_version=r.version)
    assert r.status == "closed" and not r.is_open and r.closed_at
    assert [e.to_status for e in r.events.all()] == ["sent", "accepted", "delivered", "closed"]
    for name in ("accepted", "delivered", "closed"):
        assert events(f"referral.{name}") == 1


def test_decline_needs_a_reason_and_notifies(ready: World) -> None:
    w = ready
    r = send(w, service_x(w))
    with pytest.raises(ValidationFailed):
        actions.decline(r, reason="", acting_user=w.provider_x, expected_version=r.version)
    r = actions.decline(r, reason="Hết chỗ.", acting_user=w.provider_x, expected_version=1)
    assert r.status == "declined" and not r.is_open and r.decline_reason == "Hết chỗ."
    assert Notification.objects.filter(kind="referral_declined").count() == 1


def test_out_of_order_moves_are_illegal(ready: World) -> None:
    w = ready
    r = send(w, service_x(w))
    with pytest.raises(IllegalTransition):
        actions.record_delivery(r, outcome="completed", acting_user=w.provider_x,
                                expected_version=1)  # fmt: skip
    with pytest.raises(IllegalTransition):
        actions.close(r, acting_user=w.officer_a1, expected_version=1)
    r = actions.withdraw(r, reason="Gia đình chuyển đi.", acting_user=w.officer_a1,
                         expected_version=1)  # fmt: skip
    with pytest.raises(IllegalTransition):
        actions.accept(r, acting_user=w.provider_x, expected_version=r.version)


def test_stale_version_is_a_conflict(ready: World) -> None:
    w = ready
    r = send(w, service_x(w))
    actions.accept(r, acting_user=w.provider_x, expected_version=1)
    with pytest.raises(Conflict):
        actions.decline(r, reason="x", acting_user=w.provider_x, expected_version=1)
    assert events("referral.declined") == 0


def test_only_the_receiving_agency_may_answer(ready: World) -> None:
    w = ready
    r = send(w, service_x(w))
    with pytest.raises(NotFound):  # the other agency: as if it did not exist
        actions.accept(r, acting_user=w.provider_y, expected_version=1)
    with pytest.raises(ActionNotAllowed):  # the sender's side may not answer
        actions.accept(r, acting_user=w.officer_a1, expected_version=1)
    with pytest.raises(ActionNotAllowed):
        actions.withdraw(r, reason="x", acting_user=w.provider_x, expected_version=1)
    with pytest.raises(NotFound):
        actions.withdraw(r, reason="x", acting_user=w.officer_b1, expected_version=1)
    r.refresh_from_db()
    assert r.status == "sent" and r.version == 1


def test_closed_case_cannot_be_referred(ready: World, monkeypatch: Any) -> None:
    w = ready
    from baove.cases.models import Case

    Case.objects.filter(pk=w.case_a1.pk).update(is_open=False, status="closed")
    with pytest.raises(IllegalTransition):
        send(w, service_x(w))


@override_settings(BAOVE_REFERRAL_RESPONSE_HOURS={"routine": 10})
def test_response_hours_come_from_settings() -> None:
    hours = actions.response_hours()
    assert hours["routine"] == 10 and hours["emergency"] == 4
