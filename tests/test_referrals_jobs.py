"""Tests of the overdue scan, its command, the scheduler and the metrics."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone

from baove.audit.models import AuditEvent
from baove.core import scheduler
from baove.notifications.models import Notification
from baove.referrals import actions, metrics, reads
from baove.referrals.jobs import scan_overdue
from baove.referrals.models import Referral

from .conftest import World
from .test_referrals_helpers import consent, send, service_x, service_y

pytestmark = pytest.mark.django_db
Sent = tuple[World, Referral, Referral]

LATER = dt.timedelta(hours=25)  # past the 24 hours of an urgent referral


@pytest.fixture
def sent(world: World) -> tuple[World, Referral, Referral]:
    consent(world.case_a1, world.officer_a1)
    a = send(world, service_x(world), key="a")
    b = send(world, service_y(world), key="b", urgency="routine")
    return world, a, b


def test_scan_flags_only_late_open_unanswered_and_notifies_both_sides(sent: Sent) -> None:
    w, a, b = sent
    answered = send(w, b.service, key="c")
    actions.accept(answered, acting_user=w.provider_y, expected_version=1)
    result = scan_overdue(timezone.now() + LATER)
    assert result.flagged == 1
    assert set(Referral.objects.filter(overdue=True).values_list("id", flat=True)) == {a.pk}
    rows = Notification.objects.filter(kind="referral_overdue")
    assert {n.recipient_id for n in rows} == {w.officer_a1.pk, w.provider_x.pk}
    assert all(n.params["reference"] == a.reference for n in rows)
    assert all(n.url == f"/referrals/{a.pk}/" for n in rows)
    assert result.notified == 2
    assert AuditEvent.objects.filter(action="referral.scan").count() == 1


def test_scan_is_idempotent(sent: Sent) -> None:
    _w, _a, _b = sent
    later = timezone.now() + dt.timedelta(days=4)
    first = scan_overdue(later)
    second = scan_overdue(later)
    assert first.flagged == 2 and second.flagged == 0 and second.notified == 0
    assert Notification.objects.filter(kind="referral_overdue").count() == 4


def test_scan_before_the_deadline_flags_nothing(sent: Sent) -> None:
    del sent
    assert scan_overdue().flagged == 0
    assert not Referral.objects.filter(overdue=True).exists()


def test_answering_clears_the_flag_and_banner(sent: Sent) -> None:
    w, a, _b = sent
    scan_overdue(timezone.now() + LATER)
    total, rows = reads.overdue_for(w.officer_a1)
    assert total == 1 and rows[0].pk == a.pk
    assert reads.overdue_for(w.provider_x)[0] == 1
    assert reads.overdue_for(w.provider_y)[0] == 0
    assert reads.overdue_for(w.officer_b1)[0] == 0
    actions.accept(a, acting_user=w.provider_x, expected_version=1)
    assert reads.overdue_for(w.officer_a1)[0] == 0


def test_command_runs_the_scan(sent: Sent) -> None:
    del sent
    out = io.StringIO()
    call_command("referrals_scan", stdout=out)
    assert "0 referral(s) newly overdue" in out.getvalue()


def test_scheduler_runs_registered_jobs_and_survives_failures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(scheduler, "JOBS", {})
    scheduler.register("ok", lambda: calls.append("ok"))

    def boom() -> None:
        raise RuntimeError("x")

    scheduler.register("boom", boom)
    scheduler.register("referrals.scan_overdue", lambda: calls.append("scan"))
    scheduler.register("monitoring.warm", lambda: calls.append("warm"))
    assert scheduler.run_once() == {
        "ok": "ok",
        "boom": "RuntimeError",
        "referrals.scan_overdue": "ok",
        "monitoring.warm": "ok",
    }
    stop = threading.Event()
    thread = scheduler.start_background_jobs(0.01, stop=stop)
    assert thread.daemon
    for _ in range(200):
        if calls.count("ok") >= 3:
            break
        threading.Event().wait(0.01)
    stop.set()
    thread.join(2)
    assert calls.count("ok") >= 3 and not thread.is_alive()


def test_metrics_by_province_and_agency_with_suppression(sent: Sent, settings: object) -> None:
    w, a, _b = sent
    actions.accept(a, acting_user=w.provider_x, expected_version=1)
    a.refresh_from_db()
    actions.record_delivery(a, outcome="completed", acting_user=w.provider_x, expected_version=2)
    start, end = timezone.now() - dt.timedelta(days=1), timezone.now() + dt.timedelta(days=1)
    rows = metrics.compute(by="province", start=start, end=end)
    assert len(rows) == 1 and rows[0].key == "01"
    row = rows[0]
    assert (row.sent, row.accepted, row.completed) == (2, 1, 1)
    assert row.median_response_hours is not None and row.median_response_hours < 0.1
    assert row.share_overdue == 0.0
    by_agency = {r.key: r for r in metrics.compute(by="agency", start=start, end=end)}
    assert by_agency[str(w.agency_x.pk)].accepted == 1
    national = metrics.metrics_for(w.analyst, by="province", start=start, end=end)
    assert national[0].suppressed and national[0].sent is None  # 2 < BAOVE_MIN_CELL
    own = metrics.metrics_for(w.manager_a, by="province", start=start, end=end)
    assert own[0].sent == 2
    assert metrics.metrics_for(w.manager_b, by="province", start=start, end=end) == []
