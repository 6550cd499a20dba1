"""Screening pages, API and the permission matrix of screening objects."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from baove.accounts.actions import issue_api_token
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.screening import actions
from baove.screening.models import Screening
from baove.screening.rules import active_rules

from .conftest import World

pytestmark = pytest.mark.django_db

ROLES = ["officer_a1", "manager_a", "provider_x", "analyst", "auditor", "admin"]
#: By hand, independently of roles.py: who may do what to a screening in their area.
ALLOWED: dict[str, set[str]] = {
    "record": {"officer_a1", "manager_a"},
    "view": {"officer_a1", "manager_a"},
    "override": {"officer_a1", "manager_a"},
    "replay": {"manager_a", "admin"},
}


def _login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _api(client: Client, user: User, method: str, path: str, body: Any = None) -> Any:
    token = issue_api_token(user, acting_user=None)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    if method == "get":
        return client.get(path, headers=headers)
    return client.post(path, json.dumps(body), content_type="application/json", headers=headers)


def test_screening_form_result_and_override_pages(world: World, client: Client) -> None:
    _login(client, world.officer_a1)
    page = client.get(f"/screening/new/?case={world.case_a1.pk}")
    assert page.status_code == 200
    assert "out_of_school" in page.content.decode()
    bad = client.post(f"/screening/new/?case={world.case_a1.pk}", {"kind": "nope"})
    assert bad.status_code == 400 and Screening.objects.count() == 0
    done = client.post(
        f"/screening/new/?case={world.case_a1.pk}",
        {"kind": "intake", "out_of_school": "yes", "child_labour": "yes", "poverty": "poor"},
    )
    s = Screening.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/screening/{s.pk}/"
    assert s.computed_level == "medium" and s.answers["poverty"] == "poor"
    detail = client.get(f"/screening/{s.pk}/", headers={"Accept-Language": "en"}).content.decode()
    assert "2026.1" in detail and "override" in detail
    no_note = client.post(
        f"/screening/{s.pk}/override/", {"level": "high", "note": "", "version": 1}
    )
    assert no_note.status_code == 400 and Screening.objects.get().final_level == "medium"
    ok = client.post(
        f"/screening/{s.pk}/override/", {"level": "high", "note": "Bầm tím", "version": 1}
    )
    assert ok.status_code == 302 and Screening.objects.get().final_level == "high"
    case_page = client.get(f"/cases/{world.case_a1.pk}/").content.decode()
    assert f"/screening/{s.pk}/" in case_page  # the panel on the case page
    # Another commune's case or a missing one: the same not-found page.
    assert client.get(f"/screening/new/?case={world.case_b1.pk}").status_code == 404
    assert client.get("/screening/new/?case=x").status_code == 404
    assert client.get("/screening/987654/").status_code == 404


def test_rules_and_proactive_pages(world: World, client: Client) -> None:
    _login(client, world.officer_a1)
    assert client.get("/screening/rules/").status_code == 403
    assert client.get("/screening/proactive/").status_code == 200
    client.logout()
    _login(client, world.manager_a)
    page = client.get("/screening/rules/")
    assert page.status_code == 200 and "2026.1" in page.content.decode()
    bad = client.post("/screening/rules/", {"text": "format = 1", "activate": "1"})
    assert bad.status_code == 400 and "version" in bad.content.decode()
    proactive = client.get("/screening/proactive/")
    assert 'enctype="multipart/form-data"' in proactive.content.decode()


def test_api_record_get_list_override(world: World, client: Client) -> None:
    officer = world.officer_a1
    r = _api(
        client,
        officer,
        "post",
        "/api/screening/screenings",
        {"case_id": world.case_a1.pk, "kind": "intake", "answers": {"sexual_abuse_signs": True}},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["computed_level"] == "high" and body["rules_version"] == "2026.1"
    assert body["reasons"][0]["rule"] == "sexual_abuse"
    sid = body["id"]
    assert _api(client, officer, "get", f"/api/screening/screenings/{sid}").json()["id"] == sid
    listed = _api(client, officer, "get", f"/api/screening/cases/{world.case_a1.pk}/screenings")
    assert [x["id"] for x in listed.json()] == [sid]
    bad = _api(
        client,
        officer,
        "post",
        f"/api/screening/screenings/{sid}/override",
        {"level": "low", "note": ""},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "note"
    wrong = _api(
        client,
        officer,
        "post",
        "/api/screening/screenings",
        {"case_id": world.case_a1.pk, "answers": {"neglect": 1}},
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "validation_error"
    garbage = client.post(
        "/api/screening/screenings",
        "{",
        content_type="application/json",
        headers={"Authorization": f"Bearer {issue_api_token(officer, acting_user=None)}"},
    )
    assert garbage.status_code in {400, 422} and "code" in garbage.json()
    replay = _api(
        client, world.manager_a, "post", "/api/screening/rules/replay", {"text": "format = 1"}
    )
    assert replay.status_code == 400 and replay.json()["field"] == "text"
    checklist = _api(client, officer, "get", "/api/screening/checklist").json()
    assert any(i["code"] == "poverty" and i["answer_type"] == "choice" for i in checklist)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world: World, client: Client, role: str) -> None:
    user = world.users()[role]
    mine = actions.record_screening(
        world.case_a1, answers={}, kind="intake", acting_user=world.officer_a1
    )
    other = actions.record_screening(
        world.case_b1, answers={}, kind="intake", acting_user=world.officer_b1
    )
    scr = AuditEvent.objects.filter(action__startswith="screening.")
    before = scr.count()
    # record
    r = _api(
        client,
        user,
        "post",
        "/api/screening/screenings",
        {"case_id": world.case_a1.pk, "answers": {"neglect": True}},
    )
    assert (r.status_code == 201) == (role in ALLOWED["record"]), r.content
    # view, in scope and out of scope (out of scope answers like a missing one)
    r = _api(client, user, "get", f"/api/screening/screenings/{mine.pk}")
    assert (r.status_code == 200) == (role in ALLOWED["view"])
    out = _api(client, user, "get", f"/api/screening/screenings/{other.pk}")
    missing = _api(client, user, "get", "/api/screening/screenings/987654321")
    assert out.status_code == missing.status_code and out.json() == missing.json()
    # override
    r = _api(
        client,
        user,
        "post",
        f"/api/screening/screenings/{mine.pk}/override",
        {"level": "high", "note": "Lý do"},
    )
    assert (r.status_code == 200) == (role in ALLOWED["override"])
    assert Screening.objects.get(pk=other.pk).final_level == "low"
    # replay
    r = _api(client, user, "post", "/api/screening/rules/replay", {"text": active_rules().text})
    assert (r.status_code == 200) == (role in ALLOWED["replay"])
    if role not in set().union(*ALLOWED.values()):
        assert scr.count() == before  # refused: nothing read, nothing written


def test_screening_a_registry_child_needs_a_visible_child_and_is_audited(
    world: World, client: Client
) -> None:
    from baove.core.validation import Errors
    from baove.registry.actions import build_child, save_new_child

    from .conftest import child_data

    errors = Errors()
    stranger = build_child(errors, child_data(world.commune_a1.code, given_name="Mai"))
    errors.raise_if_any()
    assert stranger is not None
    save_new_child(stranger)  # in commune A1's registry, with no case: not yet the officer's
    _login(client, world.officer_a1)
    page = client.get(f"/screening/new/?child={stranger.pk}")
    missing = client.get("/screening/new/?child=999999999")
    assert page.status_code == missing.status_code == 404
    assert "Mai" not in page.content.decode()
    known = world.case_a1.child  # a child with a case in the officer's commune
    assert client.get(f"/screening/new/?child={known.pk}").status_code == 200
    assert AuditEvent.objects.filter(action="child.view", child_id=known.pk).count() == 1
    assert client.get(f"/screening/new/?case={world.case_a1.pk}").status_code == 200
    assert AuditEvent.objects.filter(
        action="case.view", case_id=world.case_a1.pk, details__for="screening.record"
    ).exists()
