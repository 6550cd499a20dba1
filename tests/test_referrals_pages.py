"""Tests of the referral pages, API, template tags and the role x action permission matrix."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from baove.accounts import actions as account_actions
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.referrals import actions
from baove.referrals.jobs import scan_overdue
from baove.referrals.models import Referral

from .conftest import World
from .test_referrals_helpers import consent, send, service_x

pytestmark = pytest.mark.django_db
Ref = tuple[World, Referral]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def api(client: Client, user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {account_actions.issue_api_token(user, acting_user=None)}",
            "Accept-Language": "en"}  # fmt: skip


@pytest.fixture
def ref(world: World) -> tuple[World, Referral]:
    consent(world.case_a1, world.officer_a1)
    return world, send(world, service_x(world))


def test_send_page_sends_once_and_shows_consent(world: World, client: Client) -> None:
    w = world
    service = service_x(w)
    c = signed_in(client, w.officer_a1)
    page = c.get(f"/referrals/new/?case={w.case_a1.pk}&service={service.pk}")
    assert page.status_code == 200 and "not recorded" in page.content.decode()
    data = {"case": w.case_a1.pk, "service": service.pk, "urgency": "urgent", "reason": "Cần",
            "shared_fields": ["name", "age"], "idempotency_key": "abc"}  # fmt: skip
    refused = c.post("/referrals/new/", data)
    assert refused.status_code == 409 and Referral.objects.count() == 0
    consent(w.case_a1, w.officer_a1)
    assert c.post("/referrals/new/", data).status_code == 302
    assert c.post("/referrals/new/", data).status_code == 302  # double click
    assert Referral.objects.count() == 1
    bad = c.post("/referrals/new/", {**data, "idempotency_key": "x2", "service": "\x00zz"})
    assert bad.status_code == 400 and Referral.objects.count() == 1
    assert c.get(f"/referrals/new/?case={w.case_b1.pk}").status_code == 404
    assert c.get("/referrals/new/?case=abc").status_code == 404


def test_detail_sender_sees_all_receiver_only_the_snapshot(ref: Ref, client: Client) -> None:
    w, r = ref
    Referral.objects.filter(pk=r.pk).update(reason="BÍ MẬT của hồ sơ", shared={"age": 9})
    Referral.objects.filter(pk=r.pk).update(shared_fields=["age"])
    sender = signed_in(client, w.officer_a1).get(f"/referrals/{r.pk}/").content.decode()
    assert "BÍ MẬT" in sender and "Open the case" in sender
    client.logout()
    page = signed_in(client, w.provider_x).get(f"/referrals/{r.pk}/")
    html = page.content.decode()
    assert page.status_code == 200 and "BÍ MẬT" not in html and "Hương" not in html
    assert "Open the case" not in html and 'id="act-accept"' in html
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(r.pk)).count() == 2
    client.logout()
    assert signed_in(client, w.provider_y).get(f"/referrals/{r.pk}/").status_code == 404
    client.logout()
    assert signed_in(client, w.officer_b1).get(f"/referrals/{r.pk}/").status_code == 404
    client.logout()
    assert signed_in(client, w.analyst).get(f"/referrals/{r.pk}/").status_code == 403


def test_action_buttons_flow_and_errors(ref: Ref, client: Client) -> None:
    w, r = ref
    c = signed_in(client, w.provider_x)
    assert c.post(f"/referrals/{r.pk}/decline/", {"version": 1, "reason": ""}).status_code == 400
    assert c.post(f"/referrals/{r.pk}/accept/", {"version": 1}).status_code == 302
    stale = c.post(f"/referrals/{r.pk}/accept/", {"version": 1}, follow=True)
    assert "cannot move" in stale.content.decode() or "Someone else" in stale.content.decode()
    assert c.post(f"/referrals/{r.pk}/close/", {"version": 2}).status_code == 403
    assert c.post(f"/referrals/{r.pk}/nonsense/", {}).status_code == 404
    r.refresh_from_db()
    assert r.status == "accepted"


def test_list_pages_by_side(ref: Ref, client: Client) -> None:
    w, r = ref
    for user, visible in ((w.officer_a1, True), (w.manager_a, True), (w.provider_x, True),
                          (w.provider_y, False), (w.officer_b1, False)):  # fmt: skip
        client.logout()
        page = signed_in(client, user).get("/referrals/?state=open&overdue=")
        assert page.status_code == 200
        assert (r.reference in page.content.decode()) is visible, user.username
    client.logout()
    assert signed_in(client, w.analyst).get("/referrals/").status_code == 403


def test_case_page_chain_and_caseload_banner(ref: Ref, client: Client) -> None:
    w, r = ref
    Referral.objects.filter(pk=r.pk).update(respond_by=timezone.now() - dt.timedelta(hours=1))
    scan_overdue()
    c = signed_in(client, w.officer_a1)
    case_page = c.get(f"/cases/{w.case_a1.pk}/").content.decode()
    assert r.reference in case_page and "Referrals of the child" in case_page
    assert "Overdue" in case_page
    caseload = c.get("/cases/").content.decode()
    assert r.reference in caseload and "1 referral is overdue" in caseload
    client.logout()
    other = signed_in(client, w.officer_b1).get("/cases/")
    assert other.status_code == 200 and r.reference not in other.content.decode()


def test_api_flow_and_idempotency_header(world: World, client: Client) -> None:
    w = world
    consent(w.case_a1, w.officer_a1)
    service = service_x(w)
    h = api(client, w.officer_a1)
    body = {"case_id": w.case_a1.pk, "service_id": service.pk, "urgency": "routine",
            "reason": "Cần hỗ trợ", "shared_fields": ["age", "reason"]}  # fmt: skip
    one = client.post("/api/referrals", json.dumps(body), content_type="application/json",
                      headers={**h, "Idempotency-Key": "k-9"})  # fmt: skip
    two = client.post("/api/referrals", json.dumps(body), content_type="application/json",
                      headers={**h, "Idempotency-Key": "k-9"})  # fmt: skip
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] == two.json()["id"] and Referral.objects.count() == 1
    rid = one.json()["id"]
    hx = api(client, w.provider_x)
    seen = client.get(f"/api/referrals/{rid}", headers=hx).json()
    assert seen["case_id"] is None and seen["reason"] is None and seen["shared"]["age"] >= 8
    ok = client.post(f"/api/referrals/{rid}/accept", json.dumps({"expected_version": 1}),
                     content_type="application/json", headers=hx)  # fmt: skip
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    again = client.post(f"/api/referrals/{rid}/accept", json.dumps({"expected_version": 2}),
                        content_type="application/json", headers=hx)  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    hy = api(client, w.provider_y)
    assert client.get(f"/api/referrals/{rid}", headers=hy).status_code == 404
    assert client.get("/api/referrals", headers=hy).json()["total"] == 0
    assert client.get("/api/referrals", headers=hx).json()["total"] == 1
    for raw in ("{", "[]", json.dumps({**body, "urgency": "x", "extra": 1})):
        bad = client.post("/api/referrals", raw, content_type="application/json", headers=h)
        assert 400 <= bad.status_code < 500
    assert client.get("/api/referrals/99999999", headers=h).status_code == 404
    assert client.get("/api/referrals?state=zzz", headers=h).status_code == 422


def test_metrics_api_by_role(ref: Ref, client: Client) -> None:
    w, _r = ref
    got = client.get("/api/referrals/metrics?by=agency", headers=api(client, w.manager_a))
    assert got.status_code == 200 and got.json()["rows"][0]["sent"] == 1
    nat = client.get("/api/referrals/metrics", headers=api(client, w.analyst)).json()
    assert nat["rows"][0]["suppressed"] is True and nat["rows"][0]["sent"] is None
    assert (
        client.get("/api/referrals/metrics", headers=api(client, w.officer_a1)).status_code == 403
    )
    bad = client.get("/api/referrals/metrics?start=2025-02-30", headers=api(client, w.manager_a))
    assert bad.status_code == 422


# --- the permission matrix: role x referral action --------------------------------------

ROLES = ["officer_a1", "officer_b1", "manager_a", "manager_b", "provider_x", "provider_y",
         "analyst", "auditor", "admin"]  # fmt: skip
#: Who may do each action on a referral from case A1 to agency X (the others are refused).
ALLOWED = {
    "view": {"officer_a1", "manager_a", "provider_x"},
    "accept": {"provider_x"},
    "decline": {"provider_x"},
    "withdraw": {"officer_a1", "manager_a"},
}


def _try(action: str, r: Referral, user: User) -> bool:
    from baove.core.errors import DomainError
    from baove.referrals import reads

    try:
        if action == "view":
            reads.view_referral(user, r.pk)
        elif action == "accept":
            actions.accept(r, acting_user=user, expected_version=1)
        elif action == "decline":
            actions.decline(r, reason="Hết chỗ", acting_user=user, expected_version=1)
        else:
            actions.withdraw(r, reason="Không cần", acting_user=user, expected_version=1)
    except DomainError:
        return False
    return True


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(ref: Ref, role: str, action: str) -> None:
    w, r = ref
    user = getattr(w, role)
    assert _try(action, r, user) is (role in ALLOWED[action])


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_delivery_and_close(ref: Ref, role: str) -> None:
    w, r = ref
    r = actions.accept(r, acting_user=w.provider_x, expected_version=1)
    user: Any = getattr(w, role)
    from baove.core.errors import DomainError

    try:
        actions.record_delivery(r, outcome="completed", acting_user=user, expected_version=2)
        delivered = True
    except DomainError:
        delivered = False
    assert delivered is (role == "provider_x")
    if not delivered:
        actions.record_delivery(r, outcome="completed", acting_user=w.provider_x,
                                expected_version=2)  # fmt: skip
    try:
        actions.close(r, acting_user=user, expected_version=3)
        closed = True
    except DomainError:
        closed = False
    assert closed is (role in {"officer_a1", "manager_a"})
