"""Tests of the service directory JSON API, and the permission matrix of the directory."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from baove.accounts.actions import issue_api_token
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.services.models import Service

from .conftest import COMMUNE_A1, PROVINCE_A, PROVINCE_B, World
from .test_services_actions import Directory, build_directory, service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world: World) -> Directory:
    return build_directory(world)


class Api:
    def __init__(self, client: Client, user: User) -> None:
        self.client = client
        token = issue_api_token(user, acting_user=None)
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {}, headers=self.headers)

    def send(self, method: str, path: str, body: Any) -> Any:
        raw = body if isinstance(body, str) else json.dumps(body)
        call = getattr(self.client, method)
        return call(path, raw, content_type="application/json", headers=self.headers)


def test_list_and_filters(client: Client, world: World, directory: Directory) -> None:
    api = Api(client, world.officer_a1)
    body = api.get("/api/services", {"commune": "4", "open_only": "true"}).json()
    assert {i["id"] for i in body["items"]} == {
        directory.commune_a1.pk,
        directory.province_a.pk,
        directory.national_hotline.pk,
    }
    item = next(i for i in body["items"] if i["id"] == directory.commune_a1.pk)
    assert item["areas"] == [COMMUNE_A1] and item["provider"]["code"] == "ctxh-ha-noi"
    body = api.get("/api/services", {"province": PROVINCE_B, "level": "province"}).json()
    assert [i["id"] for i in body["items"]] == [directory.province_b.pk]
    for bad in ({"sector": "bakery"}, {"per_page": "0"}, {"commune": "1234567"},
                {"q": "a\x00b"}):  # fmt: skip
        assert api.get("/api/services", bad).status_code == 422


def test_reachable_is_scoped_and_audited(
    client: Client, world: World, directory: Directory
) -> None:
    api = Api(client, world.officer_a1)
    response = api.get("/api/services/reachable", {"case_id": world.case_a1.pk})
    assert response.status_code == 200
    body = response.json()
    assert [i["level"] for i in body["items"]] == ["commune", "province", "national"]
    assert AuditEvent.objects.filter(
        action="case.view", case_id=world.case_a1.pk, channel="api"
    ).exists()
    hidden = api.get("/api/services/reachable", {"case_id": world.case_b1.pk})
    missing = api.get("/api/services/reachable", {"case_id": 10**12})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert api.get("/api/services/reachable").status_code == 422
    assert api.get("/api/services/reachable", {"case_id": "abc"}).status_code == 422
    assert (
        Api(client, world.auditor)
        .get("/api/services/reachable", {"case_id": world.case_a1.pk})
        .status_code
        == 403
    )


def test_details_and_404(client: Client, world: World, directory: Directory) -> None:
    api = Api(client, world.provider_x)
    body = api.get(f"/api/services/providers/{directory.provider_a.pk}").json()
    assert body["code"] == "ctxh-ha-noi" and len(body["services"]) == 4
    assert api.get(f"/api/services/{directory.province_a.pk}").json()["areas"] == [PROVINCE_A]
    assert api.get("/api/services/999999").status_code == 404
    assert api.get("/api/services/providers/999999").status_code == 404
    assert api.get("/api/services/0").status_code == 422


def test_create_update_close_through_the_api(
    client: Client, world: World, directory: Directory
) -> None:
    api = Api(client, world.manager_a)
    payload = {**service_data(name="Qua API", capacity=5), "agency_id": directory.provider_a.pk,
               "areas": [COMMUNE_A1]}  # fmt: skip
    response = api.send("post", "/api/services", payload)
    assert response.status_code == 201, response.json()
    created = response.json()
    again = api.send("post", "/api/services", payload)  # a double submission
    assert again.status_code == 400 and again.json()["field"] == "name"
    url = f"/api/services/{created['id']}"
    response = api.send("patch", url, {"expected_version": 1, "capacity": None})
    assert response.status_code == 200 and response.json()["capacity"] is None
    assert api.send("patch", url, {"expected_version": 1, "name": "x"}).status_code == 409
    response = api.send("post", f"{url}/close", {"expected_version": 2})
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert api.send("post", f"{url}/close", {"expected_version": 3}).status_code == 409
    assert api.send("patch", url, "{not json").status_code == 400
    bad = api.send("patch", url, {"expected_version": "3", "capacity": "many"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) >= {"expected_version", "capacity"}
    other = Api(client, world.manager_b)
    assert other.send("patch", url, {"expected_version": 3, "name": "B"}).status_code == 403


def test_provider_create_and_update(client: Client, world: World) -> None:
    api = Api(client, world.admin)
    response = api.send(
        "post",
        "/api/services/providers",
        {"code": "sos-vn", "name": "Làng trẻ em SOS Việt Nam", "sector": "ngo"},
    )
    assert response.status_code == 201 and response.json()["province"] is None
    pk = response.json()["id"]
    response = api.send(
        "patch",
        f"/api/services/providers/{pk}",
        {"expected_version": 1, "website": "https://sos.example.vn"},
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    bad = api.send("post", "/api/services/providers", {"code": "x y", "name": "", "sector": "ngo",
                                                       "province": "35"})  # fmt: skip
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"code", "name", "province"}


# --- the permission matrix -----------------------------------------------------------------

ROLES = ["officer_a1", "manager_a", "manager_b", "provider_x", "analyst", "auditor", "admin"]
#: By hand, independent of roles.py: who may do what on the directory of province A.
ALLOWED: dict[str, set[str]] = {
    "view": {"officer_a1", "manager_a", "manager_b", "provider_x", "analyst", "admin"},
    "create_provider": {"manager_a", "admin"},
    "update_provider": {"manager_a", "admin"},
    "add_staff": {"manager_a", "admin"},
    "create_service": {"manager_a", "admin"},
    "update_service": {"manager_a", "admin"},
    "close_service": {"manager_a", "admin"},
    "national_service": {"admin"},
}
EVENT = {
    "create_provider": "provider.create", "update_provider": "provider.update",
    "add_staff": "provider.staff_add", "create_service": "service.create",
    "update_service": "service.update", "close_service": "service.close",
    "national_service": "service.update",
}  # fmt: skip


def _call(action: str, api: Api, d: Directory) -> Any:
    a, s, n = d.provider_a.pk, d.commune_a1.pk, d.national_hotline.pk
    calls = {
        "view": lambda: api.get(f"/api/services/providers/{a}"),
        "create_provider": lambda: api.send("post", "/api/services/providers", {
            "code": "new-a", "name": "Mới", "sector": "ngo", "province": PROVINCE_A}),
        "update_provider": lambda: api.send("patch", f"/api/services/providers/{a}",
                                            {"expected_version": 1, "phone": "0912 345 678"}),
        "create_service": lambda: api.send("post", "/api/services", {
            **service_data(name="Mới", capacity=20), "agency_id": a, "areas": [COMMUNE_A1]}),
        "update_service": lambda: api.send("patch", f"/api/services/{s}",
                                           {"expected_version": 1, "opening_hours": "24/7"}),
        "close_service": lambda: api.send("post", f"/api/services/{s}/close",
                                          {"expected_version": 1}),
        "national_service": lambda: api.send("patch", f"/api/services/{n}",
                                             {"expected_version": 1, "opening_hours": "24/7"}),
    }  # fmt: skip
    return calls[action]()


@pytest.mark.parametrize("action", [a for a in ALLOWED if a != "add_staff"])
@pytest.mark.parametrize("who", ROLES)
def test_permission_matrix(
    client: Client, world: World, directory: Directory, who: str, action: str
) -> None:
    api = Api(client, world.users()[who])
    before = AuditEvent.objects.count()
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = _call(action, api, directory)
    allowed = who in ALLOWED[action]
    if action == "view":
        assert (response.status_code == 200) == allowed
        return
    if allowed:
        assert response.status_code in (200, 201), response.json()
        new = AuditEvent.objects.filter(id__gt=last, actor__username=who)
        assert [e.action for e in new] == [EVENT[action]]
    else:
        # A manager of another province naming province A in a field gets that field's
        # error (400); every other refusal is 403.
        expected = {400, 403} if who == "manager_b" and action == "create_provider" else {403}
        assert response.status_code in expected, (who, action, response.json())
        assert AuditEvent.objects.count() == before  # nothing written
        assert Service.objects.count() == 6  # nothing created either


@pytest.mark.parametrize("who", ROLES)
def test_permission_matrix_add_staff(
    client: Client, world: World, directory: Directory, who: str
) -> None:
    client.force_login(world.users()[who])
    response = client.post(
        f"/services/providers/{directory.provider_a.pk}/staff/",
        {"username": f"nv-{who}", "password": "correct-horse-battery-9"},
    )
    made = User.objects.filter(username=f"nv-{who}").exists()
    assert made == (who in ALLOWED["add_staff"])
    assert response.status_code == (302 if made else 403)
