"""Tests of the JSON API: auth, permissions and scope, errors, workflow, stats, audit, docs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db.models import Model
from django.test import Client
from django.utils import timezone, translation

import baove
from baove.accounts import actions as account_actions
from baove.accounts.models import ApiToken, User
from baove.audit.models import AuditEvent
from baove.cases import actions as case_actions
from baove.cases import reads
from baove.cases.models import Approval, Case, CaseCategory, CaseNote, Consent
from baove.registry.models import Child

from .conftest import COMMUNE_A1, COMMUNE_B1, PASSWORD, World, share_with

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db

VI_CATALOG = Path(baove.__file__).parent / "locale" / "vi" / "LC_MESSAGES" / "django.mo"


class Api:
    """A JSON client acting as one user (bearer token) in one language."""

    def __init__(
        self, client: Client, *, token: str | None = None, lang: str = "en", **extra: str
    ) -> None:
        self.client = client
        self.headers = {"Accept-Language": lang, **extra}
        if token is not None:
            self.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.client.get(path, params or {}, headers=self.headers)

    def send(
        self, method: str, path: str, data: Any = None, *, raw: str | bytes | None = None
    ) -> Response:
        body = raw if raw is not None else ("" if data is None else json.dumps(data))
        call = getattr(self.client, method)
        response: Response = call(path, body, content_type="application/json", headers=self.headers)
        return response

    def post(self, path: str, data: Any = None, *, raw: str | bytes | None = None) -> Response:
        return self.send("post", path, data, raw=raw)

    def patch(self, path: str, data: Any = None) -> Response:
        return self.send("patch", path, data)

    def delete(self, path: str) -> Response:
        return self.send("delete", path)


AsUser = Callable[..., Api]


@pytest.fixture
def as_user(client: Client) -> AsUser:
    """``as_user(user, lang="en")``: an :class:`Api` with a fresh token of ``user``."""

    def make(user: User, lang: str = "en") -> Api:
        return Api(client, token=account_actions.issue_api_token(user, acting_user=None), lang=lang)

    return make


def counts() -> tuple[int, ...]:
    """Rows in every table an intake or a case change writes to."""
    models: list[type[Model]] = [Child, Case, CaseCategory, CaseNote, Consent, Approval]
    return (*(m._default_manager.count() for m in models), AuditEvent.objects.count())


def intake(commune: str = COMMUNE_A1, **child: Any) -> dict[str, Any]:
    """A valid intake body for a new child."""
    born = timezone.localdate() - dt.timedelta(days=8 * 365)
    data: dict[str, Any] = {
        "family_name": "Lê",
        "middle_name": "Thị",
        "given_name": "Mai",
        "sex": "F",
        "birth_date": born.isoformat(),
        "commune": commune,
    }
    data.update(child)
    return {
        "child": data,
        "categories": ["reported_abuse"],
        "risk_level": "high",
        "summary": "Giáo viên báo trẻ có vết bầm.",
        "intake_source": "school",
    }


def error_of(response: Response) -> dict[str, Any]:
    """The error body, checked for the API's error shape."""
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "field", "errors"}
    return body


# --- authentication ------------------------------------------------------------------------


def test_token_auth_and_me(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a1).get("/api/me")
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "officer_a1" and me["role"] == "commune_officer"
    assert me["commune"] == COMMUNE_A1 and me["scope"] == "commune"
    assert "case.create" in me["permissions"] and "case.approve" not in me["permissions"]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer bv_not-a-real-token", "Bearer ", "Token bv_x", "Bearer " + "x" * 500],
)
def test_missing_or_bad_token_is_401(
    world: World, client: Client, authorization: str | None
) -> None:
    headers = {"Accept-Language": "en"}
    if authorization is not None:
        headers["Authorization"] = authorization
    for response in (
        client.get("/api/cases", headers=headers),
        client.post("/api/cases/1/notes", "{}", content_type="application/json", headers=headers),
    ):
        assert response.status_code == 401
        body = error_of(response)
        assert body["code"] == "unauthorized"
        assert body["message"] == "Sign in or send a valid API token."
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(world: World, client: Client) -> None:
    key = account_actions.issue_api_token(world.officer_a1, acting_user=None)
    api = Api(client, token=key)
    assert api.get("/api/me").status_code == 200
    token = ApiToken.objects.get(prefix=key[:8])
    account_actions.revoke_api_token(token, acting_user=world.officer_a1)
    assert api.get("/api/me").status_code == 401


def test_token_can_be_revoked_through_the_api(world: World, as_user: AsUser) -> None:
    api = as_user(world.manager_a)
    assert api.delete("/api/token").status_code == 204
    assert api.get("/api/me").status_code == 401
    assert AuditEvent.objects.filter(action="token.revoke", actor=world.manager_a).exists()


def test_inactive_user_is_401_with_token_and_session(world: World, client: Client) -> None:
    key = account_actions.issue_api_token(world.officer_a1, acting_user=None)
    client.force_login(world.officer_a1, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/api/me").status_code == 200
    account_actions.set_active(world.officer_a1, active=False, acting_user=world.admin)
    assert Api(client, token=key).get("/api/me").status_code == 401
    assert client.get("/api/me").status_code == 401


def test_post_token_issues_a_working_token(world: World, client: Client) -> None:
    api = Api(client)
    response = api.post("/api/token", {"username": "officer_a1", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("bv_") and body["role"] == "commune_officer"
    assert Api(client, token=body["token"]).get("/api/me").json()["username"] == "officer_a1"
    assert AuditEvent.objects.filter(action="token.issue", actor=world.officer_a1).exists()

    wrong = api.post("/api/token", {"username": "officer_a1", "password": "nope"})
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "invalid_credentials"
    assert error_of(wrong)["message"] == "Wrong username or password."
    missing = api.post("/api/token", {"username": "officer_a1"})
    assert missing.status_code == 422 and "password" in error_of(missing)["errors"]


def test_post_token_for_inactive_user_is_refused(world: World, client: Client) -> None:
    account_actions.set_active(world.officer_a1, active=False, acting_user=world.admin)
    response = Api(client).post("/api/token", {"username": "officer_a1", "password": PASSWORD})
    assert response.status_code == 401


def test_post_token_is_rate_limited_by_axes(world: World, client: Client, settings: Any) -> None:
    api = Api(client)
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.post("/api/token", {"username": "officer_b1", "password": "wrong"})
        assert response.status_code == 401
    locked = api.post("/api/token", {"username": "officer_b1", "password": "wrong"})
    assert locked.status_code == 429
    # Even the right password is refused during the cool-off, in the API's JSON format.
    right = api.post("/api/token", {"username": "officer_b1", "password": PASSWORD})
    assert right.status_code == 429
    body = error_of(right)
    assert body["code"] == "locked_out"
    assert body["message"] == "Too many failed sign-in attempts. Try again later."
    # Other accounts are not affected.
    other = api.post("/api/token", {"username": "officer_a1", "password": PASSWORD})
    assert other.status_code == 201


def test_session_auth_checks_csrf_on_unsafe_methods(world: World) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.officer_a1, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/api/me").json()["username"] == "officer_a1"
    path = f"/api/cases/{world.case_a1.pk}/notes"
    refused = browser.post(path, {"text": "Đã gọi"}, content_type="application/json")
    assert refused.status_code == 403 and error_of(refused)["code"] == "csrf_failed"
    assert not CaseNote.objects.exists()
    # The docs page hands out the CSRF token; with it the same request goes through.
    assert browser.get("/api/docs").status_code == 200
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(
        path, {"text": "Đã gọi"}, content_type="application/json", headers={"X-CSRFToken": csrf}
    )
    assert done.status_code == 201
    # A bearer token needs no CSRF token, even from the same browser.
    key = account_actions.issue_api_token(world.officer_a1, acting_user=None)
    with_token = browser.post(
        path,
        {"text": "Lần 2"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert with_token.status_code == 201


# --- permissions and scope -----------------------------------------------------------------

ROLE_NAMES = [
    "officer_a1", "officer_a2", "officer_b1", "manager_a", "manager_b", "provider_x",
    "analyst", "auditor", "admin",
]  # fmt: skip


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/api/cases", {"officer_a1", "officer_a2", "officer_b1", "manager_a",
                               "manager_b", "provider_x"}),
        ("get", "/api/cases/{a1}", {"officer_a1", "manager_a"}),
        ("get", "/api/cases/{a1}/timeline", {"officer_a1", "manager_a"}),
        ("get", "/api/approvals", {"manager_a", "manager_b"}),
        ("get", "/api/stats/cases", {"manager_a", "manager_b", "analyst"}),
        ("get", "/api/audit", {"auditor"}),
        ("get", "/api/geo/provinces", set(ROLE_NAMES)),
        ("get", "/api/me", set(ROLE_NAMES)),
    ],
)  # fmt: skip
def test_read_endpoints_by_role(
    world: World, as_user: AsUser, method: str, path: str, allowed: set[str]
) -> None:
    users = world.users()
    url = path.format(a1=world.case_a1.pk)
    for name in ROLE_NAMES:
        response = as_user(users[name]).get(url)
        if name in allowed:
            assert response.status_code == 200, (name, response.content)
        else:
            # A role that may never do this: 403; a case outside the area: 404.
            assert response.status_code in (403, 404), (name, response.status_code)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("officer_a1", 201), ("manager_a", 201), ("officer_a2", 403), ("officer_b1", 403),
        ("manager_b", 403), ("provider_x", 403), ("analyst", 403), ("auditor", 403),
        ("admin", 403),
    ],
)  # fmt: skip
def test_intake_by_role(world: World, as_user: AsUser, name: str, expected: int) -> None:
    api = as_user(world.users()[name])
    before = counts()
    response = api.post("/api/cases", intake(COMMUNE_A1))
    assert response.status_code == expected, response.content
    if expected == 201:
        assert Case.objects.filter(pk=response.json()["id"], owner__username=name).exists()
    else:
        assert error_of(response)["code"] == "forbidden"
        assert counts() == before


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("officer_a1", 201), ("manager_a", 201), ("officer_a2", 404), ("manager_b", 404),
        ("provider_x", 404), ("provider_y", 404), ("analyst", 403), ("auditor", 403),
        ("admin", 403),
    ],
)  # fmt: skip
def test_write_by_role(world: World, as_user: AsUser, name: str, expected: int) -> None:
    response = as_user(world.users()[name]).post(
        f"/api/cases/{world.case_a1.pk}/notes", {"text": "Thăm nhà"}
    )
    assert response.status_code == expected
    assert CaseNote.objects.count() == (1 if expected == 201 else 0)


def test_out_of_scope_case_answers_exactly_like_a_missing_one(
    world: World, as_user: AsUser
) -> None:
    missing = Case.objects.order_by("-pk").first()
    assert missing is not None
    nonexistent = missing.pk + 1000
    for user in (world.officer_a2, world.manager_b, world.provider_x):
        api = as_user(user)
        for template in (
            "/api/cases/{}",
            "/api/cases/{}/timeline",
        ):
            outside = api.get(template.format(world.case_a1.pk))
            absent = api.get(template.format(nonexistent))
            assert outside.status_code == absent.status_code == 404
            assert outside.content == absent.content
            assert error_of(outside)["code"] == "not_found"
        if user.role != "provider_staff":
            for template, body in (
                ("/api/cases/{}", {"expected_version": 1, "risk_level": "low"}),
                ("/api/cases/{}/transition", {"to_status": "screened", "expected_version": 1}),
                ("/api/cases/{}/notes", {"text": "x"}),
            ):
                method = api.patch if template == "/api/cases/{}" else api.post
                outside = method(template.format(world.case_a1.pk), body)
                absent = method(template.format(nonexistent), body)
                assert outside.status_code == absent.status_code == 404
                assert outside.content == absent.content
    assert error_of(absent)["message"] == "Case not found."
    world.case_a1.refresh_from_db()
    assert world.case_a1.version == 1 and world.case_a1.status == "reported"


def test_provider_staff_see_only_cases_shared_with_their_agency(
    world: World, as_user: AsUser
) -> None:
    share_with(world, world.case_a2, world.agency_x, world.officer_a2)
    provider = as_user(world.provider_x)
    listed = provider.get("/api/cases").json()
    assert [c["id"] for c in listed["items"]] == [world.case_a2.pk]
    assert provider.get(f"/api/cases/{world.case_a2.pk}").status_code == 200
    assert provider.get(f"/api/cases/{world.case_a1.pk}").status_code == 404
    assert provider.get("/api/cases", {"q": "Nguyễn"}).status_code == 403  # no search
    note = provider.post(f"/api/cases/{world.case_a2.pk}/notes", {"text": "Đã tiếp nhận"})
    assert note.status_code == 201
    move = provider.post(
        f"/api/cases/{world.case_a2.pk}/transition",
        {"to_status": "screened", "expected_version": 1},
    )
    assert move.status_code == 403 and error_of(move)["code"] == "forbidden"
    assert as_user(world.provider_y).get("/api/cases").json()["items"] == []
    # Withdrawn sharing consent ends the share: the case disappears for the agency.
    consent = Consent.objects.get(case=world.case_a2, purpose="sharing")
    officer = as_user(world.officer_a2)
    assert officer.post(f"/api/consents/{consent.pk}/withdraw").json()["withdrawn_at"]
    assert provider.get(f"/api/cases/{world.case_a2.pk}").status_code == 404
    again = officer.post(f"/api/consents/{consent.pk}/withdraw")
    assert again.status_code == 409
    other = as_user(world.officer_b1).post(f"/api/consents/{consent.pk}/withdraw")
    assert other.status_code == 404 and error_of(other)["message"] == "Consent not found."


# --- intake and input validation -----------------------------------------------------------


def test_intake_of_a_new_child_and_of_a_known_one(world: World, as_user: AsUser) -> None:
    api = as_user(world.officer_a1)
    response = api.post("/api/cases", intake(id_number="001315012345", birth_date="2015-03-01"))
    assert response.status_code == 201, response.content
    state = response.json()
    assert state["status"] == "reported" and state["version"] == 1
    assert state["categories"] == ["reported_abuse"] and state["risk_level"] == "high"
    child = Child.objects.get(pk=state["child_id"])
    assert child.full_name == "Lê Thị Mai" and child.id_number == "001315012345"

    known = {**intake(), "child": None, "child_id": world.case_a1.child_id}
    again = api.post("/api/cases", known)
    assert again.status_code == 201 and again.json()["child_id"] == world.case_a1.child_id

    outside = {**intake(), "child": None, "child_id": world.case_b1.child_id}
    refused = api.post("/api/cases", outside)
    assert refused.status_code == 404 and error_of(refused)["field"] == "child_id"
    both = api.post("/api/cases", {**intake(), "child_id": world.case_a1.child_id})
    assert both.status_code == 400 and "child" in error_of(both)["errors"]


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, key = path.split(".")
    for part in parents:
        data = data[part]
    data[key] = value


BAD_INTAKE = [
    ("child.birth_date", "2999-01-01", 400, "birth_date", "This date is in the future."),
    ("child.birth_date", "2021-02-30", 422, "birth_date",
     "This is not a valid date (use YYYY-MM-DD)."),
    ("child.birth_date", 12, 422, "birth_date", "This is not a valid date (use YYYY-MM-DD)."),
    ("child.birth_date", "1990-05-05", 400, "birth_date", "A child must be under 18 years old."),
    ("child.commune", "99999", 400, "commune",
     ("Unknown commune code: %(code)s.", {"code": "99999"})),
    ("child.id_number", "12345", 400, "id_number",
     "A personal identification number has exactly 12 digits."),
    ("child.id_number", "999300012345", 400, "id_number",
     "The first 3 digits are not a province code."),
    ("child.given_name", "A" * 51, 400, "given_name",
     ("This is too long: at most %(max)d characters (it has %(n)d).", {"max": 50, "n": 51})),
    ("child.given_name", "Hư\x00ơng", 400, "given_name",
     "This contains control characters that are not allowed."),
    ("child.given_name", "Hư\u0085ơng", 400, "given_name",
     "This contains control characters that are not allowed."),
    ("child.given_name", "", 400, "given_name", "This field is required."),
    ("child.given_name", 7, 422, "given_name", "This must be text."),
    ("child.sex", "X", 422, "sex", "Choose one of the listed options."),
    ("child.ethnicity", "77", 400, "ethnicity", "Choose one of the listed options."),
    ("child.birth_date_estimated", "yes", 422, "birth_date_estimated", "Answer yes or no."),
    ("summary", "x" * 4001, 400, "summary",
     ("This is too long: at most %(max)d characters (it has %(n)d).", {"max": 4000, "n": 4001})),
    ("summary", "Trẻ bị đánh\x1b[31m", 400, "summary",
     "This contains control characters that are not allowed."),
    ("risk_level", 5, 422, "risk_level", "Choose one of the listed options."),
    ("risk_level", "extreme", 422, "risk_level", "Choose one of the listed options."),
    ("categories", "x", 422, "categories", "This must be a list."),
    ("categories", ["x"], 422, "categories", "Choose one of the listed options."),
    ("categories", [], 400, "categories", "Choose at least one category."),
    ("reported_at", "yesterday", 422, "reported_at", "This is not a valid date and time."),
    ("reported_at", "2025-01-01T08:00:00", 422, "reported_at",
     "This is not a valid date and time."),
    ("risk", "high", 422, "risk", "This field is not expected here."),
    ("child", "Mai", 422, "child", "This must be a JSON object."),
]  # fmt: skip


def _message(message: str | tuple[str, dict[str, Any]], language: str) -> str:
    """``message`` (a msgid, or a msgid and its parameters) as ``language`` shows it."""
    msgid, params = (message, None) if isinstance(message, str) else message
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.mark.parametrize(("path", "value", "status", "field", "message"), BAD_INTAKE)
def test_bad_intake_names_the_field_in_both_languages_and_writes_nothing(
    world: World,
    as_user: AsUser,
    path: str,
    value: Any,
    status: int,
    field: str,
    message: str | tuple[str, dict[str, Any]],
) -> None:
    api_en, api_vi = as_user(world.officer_a1, "en"), as_user(world.officer_a1, "vi")
    data = intake()
    _set(data, path, value)
    before = counts()
    response = api_en.post("/api/cases", data)
    assert response.status_code == status, response.content
    body = error_of(response)
    assert body["code"] == "validation_error"
    english = _message(message, "en")
    assert english in body["errors"][field]
    assert body["field"] == field or field in body["errors"]

    vi = api_vi.post("/api/cases", data)
    assert vi.status_code == status
    vi_body = error_of(vi)
    vietnamese = _message(message, "vi")
    assert vietnamese in vi_body["errors"][field]
    if VI_CATALOG.exists():
        assert vietnamese != english  # really translated, not the English fallback
        assert vi_body["message"] != body["message"]
    assert counts() == before


@pytest.mark.parametrize(
    "raw",
    ["{not json", "", '{"categories": ["at_risk"],', b"\xff\xfe{}", "[" * 100_000, "null", "[1]",
     '"text"', "42"],
)  # fmt: skip
def test_malformed_body_is_a_clear_4xx_and_writes_nothing(
    world: World, as_user: AsUser, raw: str | bytes
) -> None:
    api = as_user(world.officer_a1)
    before = counts()
    response = api.post("/api/cases", raw=raw)
    assert response.status_code in (400, 422), response.content
    body = error_of(response)
    assert body["field"]
    if response.status_code == 400:
        assert body["code"] == "malformed_body"
        assert body["message"] == "The request body is not valid JSON."
    assert counts() == before


def test_empty_body_names_every_required_field(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a1).post("/api/cases", raw="")
    assert response.status_code == 422
    errors = error_of(response)["errors"]
    for name in ("categories", "risk_level", "summary"):
        assert errors[name] == ["This field is required."]


def test_odd_input_never_causes_a_server_error(world: World, as_user: AsUser) -> None:
    api = as_user(world.manager_a)
    case = world.case_a1.pk
    probes: list[tuple[str, str, Any]] = [
        ("get", "/api/cases/99999999999999999999999", None),
        ("get", "/api/cases/-1", None),
        ("get", "/api/cases/abc", None),
        ("get", "/api/cases?page=abc", None),
        ("get", "/api/cases?page=99999999999999999999", None),
        ("get", "/api/cases?status=nope", None),
        ("get", "/api/stats/cases?by=child_name", None),
        ("get", "/api/audit", None),
        ("get", "/api/geo/provinces/999/communes", None),
        ("patch", f"/api/cases/{case}", {"expected_version": 10**30, "risk_level": "low"}),
        ("patch", f"/api/cases/{case}", {"expected_version": "1", "risk_level": "low"}),
        ("patch", f"/api/cases/{case}", {"expected_version": True}),
        ("patch", f"/api/cases/{case}", {"expected_version": 1, "categories": [[["x"]]]}),
        ("patch", f"/api/cases/{case}", {"expected_version": 1, "summary": {"a": 1}}),
        ("post", f"/api/cases/{case}/transition", {"to_status": None, "expected_version": 1}),
        ("post", f"/api/cases/{case}/consents", {"purpose": "services", "granted": "yes",
                                                  "given_by": "Bà", "relationship": "bà"}),
        ("post", "/api/approvals/99999999999999999999/decision", {"approve": True}),
        ("post", "/api/approvals/1/decision", {"approve": 1}),
        ("post", f"/api/cases/{case}/assignments", {"username": ["manager_a"]}),
        ("post", f"/api/cases/{case}/shares", {"agency_code": "x" * 10_000}),
        ("post", "/api/cases", {"child_id": 2**70, "categories": ["at_risk"],
                                "risk_level": "low", "summary": "x"}),
    ]  # fmt: skip
    for method, path, body in probes:
        response = api.get(path) if method == "get" else api.send(method, path, body)
        assert 400 <= response.status_code < 500, (path, response.status_code, response.content)
        error_of(response)
        assert b"Traceback" not in response.content
    # Odd but harmless searches are just searches.
    for query in ("Nguyễn " * 100, "\x00\x01", "%", "' OR 1=1 --"):
        response = api.get("/api/cases", {"q": query})
        assert response.status_code == 200 and response.json()["items"] == []


def test_a_real_bug_is_left_to_djangos_500_handling_without_details(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(reads, "caseload", broken)
    key = account_actions.issue_api_token(world.officer_a1, acting_user=None)
    browser = Client(raise_request_exception=False)
    response = browser.get("/api/cases", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 500
    assert b"internal detail" not in response.content and b"Traceback" not in response.content


def test_messages_follow_accept_language(world: World, client: Client) -> None:
    english = error_of(client.get("/api/me", headers={"Accept-Language": "en"}))["message"]
    vietnamese = error_of(client.get("/api/me", headers={"Accept-Language": "vi"}))["message"]
    assert english == "Sign in or send a valid API token."
    assert vietnamese == _message("Sign in or send a valid API token.", "vi")
    if VI_CATALOG.exists():
        assert vietnamese != english


# --- concurrency and workflow --------------------------------------------------------------


def test_stale_expected_version_is_409_and_changes_nothing(world: World, as_user: AsUser) -> None:
    path = f"/api/cases/{world.case_a1.pk}"
    manager = as_user(world.manager_a)
    first = as_user(world.officer_a1).patch(
        path, {"expected_version": 1, "risk_level": "urgent", "categories": ["at_risk"]}
    )
    assert first.status_code == 200
    assert first.json()["version"] == 2 and first.json()["categories"] == ["at_risk"]
    before = counts()
    stale = manager.patch(path, {"expected_version": 1, "risk_level": "low"})
    assert stale.status_code == 409
    body = error_of(stale)
    assert body["code"] == "conflict"
    assert body["message"].startswith("Someone else changed this case")
    world.case_a1.refresh_from_db()
    assert world.case_a1.risk_level == "urgent" and world.case_a1.version == 2
    assert counts() == before


def test_transition_order_is_enforced(world: World, as_user: AsUser) -> None:
    api = as_user(world.officer_a1)
    path = f"/api/cases/{world.case_a1.pk}/transition"
    before = counts()
    for target in ("assessment", "services", "closed"):
        response = api.post(path, {"to_status": target, "expected_version": 1})
        assert response.status_code == 409
        assert error_of(response)["code"] == "illegal_transition"
    assert api.post(path, {"to_status": "bogus", "expected_version": 1}).status_code == 422
    assert counts() == before
    ok = api.post(path, {"to_status": "screened", "expected_version": 1})
    assert ok.status_code == 200 and ok.json()["status"] == "screened"
    assert ok.json()["first_response_at"] is not None


def test_full_workflow_to_closure_with_two_managers(world: World, as_user: AsUser) -> None:
    officer, manager, deputy = (
        as_user(world.officer_a1), as_user(world.manager_a), as_user(world.manager_a_deputy)
    )  # fmt: skip
    case_id = officer.post("/api/cases", intake()).json()["id"]
    base = f"/api/cases/{case_id}"
    version = 1
    for stage in ("screened", "assessment", "case_plan"):
        moved = officer.post(
            f"{base}/transition", {"to_status": stage, "expected_version": version}
        )
        assert moved.status_code == 200
        version = moved.json()["version"]
    detail = officer.get(base).json()
    assert detail["status"] == "case_plan" and "submit_plan" in detail["allowed_actions"]
    assert detail["next_statuses"] == []  # no approved plan, no consent yet

    plan = officer.post(f"{base}/plan", {"plan": "Thăm nhà hằng tuần; tư vấn tâm lý."})
    assert plan.status_code == 201 and plan.json()["status"] == "pending"
    plan_id = plan.json()["id"]
    assert officer.post(f"/api/approvals/{plan_id}/decision", {"approve": True}).status_code == 403
    waiting = manager.get("/api/approvals").json()
    assert [(a["id"], a["kind"], a["can_decide"]) for a in waiting] == [
        (plan_id, "case_plan", True)
    ]
    assert "Mai" not in json.dumps(waiting)  # no child names in the queue
    other = as_user(world.manager_b).post(f"/api/approvals/{plan_id}/decision", {"approve": True})
    assert other.status_code == 404
    rejected = manager.post(f"/api/approvals/{plan_id}/decision", {"approve": False})
    assert rejected.status_code == 400 and "comment" in error_of(rejected)["errors"]
    decided = manager.post(f"/api/approvals/{plan_id}/decision", {"approve": True})
    assert decided.status_code == 200
    assert decided.json()["approval"]["status"] == "approved"
    assert decided.json()["approval"]["decided_by"] == "manager_a"
    version = decided.json()["case"]["version"]
    assert decided.json()["case"]["plan_approved_at"] is not None

    no_consent = officer.post(
        f"{base}/transition", {"to_status": "services", "expected_version": version}
    )
    assert no_consent.status_code == 409 and error_of(no_consent)["code"] == "consent_missing"
    consent = officer.post(
        f"{base}/consents",
        {"purpose": "services", "granted": True, "given_by": "Lê Văn Hùng", "relationship": "bố"},
    )
    assert consent.status_code == 201 and consent.json()["recorded_by"] == "officer_a1"
    assert officer.get(base).json()["next_statuses"] == ["services"]
    for stage in ("services", "follow_up"):
        moved = officer.post(
            f"{base}/transition", {"to_status": stage, "expected_version": version}
        )
        assert moved.status_code == 200, moved.content
        version = moved.json()["version"]

    closure = manager.post(f"{base}/closure", {"reason": "goals_met", "note": "Trẻ an toàn."})
    assert closure.status_code == 201
    closure_id = closure.json()["id"]
    own = manager.post(f"/api/approvals/{closure_id}/decision", {"approve": True})
    assert own.status_code == 403
    assert error_of(own)["message"] == "Another manager must decide on your own request."
    assert manager.get("/api/approvals").json()[0]["can_decide"] is False
    closed = deputy.post(f"/api/approvals/{closure_id}/decision", {"approve": True})
    assert closed.status_code == 200
    state = closed.json()["case"]
    assert state["status"] == "closed" and not state["is_open"]
    assert state["closure_reason"] == "goals_met"
    twice = deputy.post(f"/api/approvals/{closure_id}/decision", {"approve": True})
    assert twice.status_code == 409

    detail = officer.get(base).json()
    assert detail["allowed_actions"] == ["note", "consent", "reopen", "assign"]
    assert [a["kind"] for a in detail["approvals"]] == ["closure", "case_plan"]
    assert detail["plan_text"] == "Thăm nhà hằng tuần; tư vấn tâm lý."
    stale = officer.post(f"{base}/reopen", {"reason": "Tái phát", "expected_version": 1})
    assert stale.status_code == 409
    reopened = officer.post(
        f"{base}/reopen", {"reason": "Tái phát", "expected_version": state["version"]}
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "assessment"

    timeline = officer.get(f"{base}/timeline", {"per_page": 100}).json()
    actions = [e["action"] for e in reversed(timeline["items"])]
    assert actions[0] == "case.open" and actions[-1] == "case.reopen"
    assert "approval.approved" in actions and "case.view" not in actions
    assert timeline["total"] == len(actions) and timeline["pages"] == 1
    page = officer.get(f"{base}/timeline", {"per_page": 2, "page": 2}).json()
    assert page["page"] == 2 and len(page["items"]) == 2 and page["pages"] > 1


def test_sharing_and_assignment_through_the_api(world: World, as_user: AsUser) -> None:
    officer = as_user(world.officer_a1)
    base = f"/api/cases/{world.case_a1.pk}"
    no_consent = officer.post(f"{base}/shares", {"agency_code": "sos-hanoi"})
    assert no_consent.status_code == 409 and error_of(no_consent)["code"] == "consent_missing"
    unknown = officer.post(f"{base}/shares", {"agency_code": "nope"})
    assert unknown.status_code == 400 and error_of(unknown)["field"] == "agency_code"
    officer.post(
        f"{base}/consents",
        {"purpose": "sharing", "granted": True, "given_by": "Bà Lan", "relationship": "mẹ"},
    )
    shared = officer.post(f"{base}/shares", {"agency_code": "sos-hanoi"})
    assert shared.status_code == 200 and shared.json()["agency_name"] == "SOS Làng trẻ em Hà Nội"
    assert [s["agency_code"] for s in officer.get(base).json()["shares"]] == ["sos-hanoi"]

    assigned = officer.post(f"{base}/assignments", {"username": "manager_a"})
    assert assigned.status_code == 200 and assigned.json()["username"] == "manager_a"
    assert as_user(world.manager_a).get("/api/cases").json()["total"] == 1  # now "mine"
    # An unknown username and one who cannot work here get the same answer.
    nobody = officer.post(f"{base}/assignments", {"username": "ghost"})
    elsewhere = officer.post(f"{base}/assignments", {"username": "officer_b1"})
    assert nobody.status_code == elsewhere.status_code == 400
    assert nobody.content == elsewhere.content
    assert error_of(nobody)["field"] == "username"
    assert officer.delete(f"{base}/assignments/manager_a").status_code == 204
    again = officer.delete(f"{base}/assignments/manager_a")
    assert again.status_code == 400 and error_of(again)["field"] == "username"


# --- lists, search, stats ------------------------------------------------------------------


def test_caseload_filters_and_search(world: World, as_user: AsUser) -> None:
    manager = as_user(world.manager_a)
    assert manager.get("/api/cases").json()["total"] == 0  # owns nothing
    everything = manager.get("/api/cases", {"mine": "false"}).json()
    assert {c["id"] for c in everything["items"]} == {world.case_a1.pk, world.case_a2.pk}
    item = everything["items"][0]
    assert set(item["child"]) == {"id", "full_name", "sex", "birth_date"}
    assert manager.get("/api/cases", {"mine": "false", "risk": "low"}).json()["total"] == 0
    assert manager.get("/api/cases", {"mine": "false", "status": "reported"}).json()["total"] == 2
    assert manager.get("/api/cases", {"mine": "false", "overdue": "true"}).json()["total"] == 0
    paged = manager.get("/api/cases", {"mine": "false", "per_page": 1, "page": 2}).json()
    assert paged["page"] == 2 and paged["pages"] == 2 and len(paged["items"]) == 1
    found = manager.get("/api/cases", {"q": "lan tran"}).json()
    assert [c["id"] for c in found["items"]] == [world.case_a2.pk]
    by_ref = manager.get("/api/cases", {"q": world.case_a1.reference}).json()
    assert [c["id"] for c in by_ref["items"]] == [world.case_a1.pk]
    assert manager.get("/api/cases", {"q": "huynh van nam"}).json()["items"] == []  # other area
    assert AuditEvent.objects.filter(action="case.search", actor=world.manager_a).count() == 3


def test_analyst_gets_stats_without_names_and_small_cells_null(
    world: World, as_user: AsUser, settings: Any
) -> None:
    analyst = as_user(world.analyst)
    response = analyst.get("/api/stats/cases")
    assert response.status_code == 200
    stats = response.json()
    assert stats["by"] == "province" and stats["min_cell"] == 5
    cells = {c["key"]: c for c in stats["cells"]}
    assert set(cells) == {"01", "79"}
    for cell in cells.values():
        assert cell["count"] is None and cell["suppressed"] is True
    for name in ("Hương", "Nguyễn", "Trần", "Lan", "Huỳnh", world.case_a1.reference):
        assert name not in response.content.decode()

    settings.BAOVE_MIN_CELL = 2
    # 79 alone is small (1 case); hiding it alone would let the total give it away, so the
    # next smallest cell (01) is hidden with it.
    cells = {c["key"]: c for c in analyst.get("/api/stats/cases").json()["cells"]}
    assert cells["01"]["count"] is None and cells["79"]["count"] is None
    settings.BAOVE_MIN_CELL = 1
    cells = {c["key"]: c for c in analyst.get("/api/stats/cases").json()["cells"]}
    assert cells["01"]["count"] == 2 and cells["01"]["suppressed"] is False
    assert cells["01"]["label"] == "Thành phố Hà Nội"
    assert cells["79"]["count"] == 1
    by_risk = analyst.get("/api/stats/cases", {"by": "risk"}).json()
    assert by_risk["cells"] == [{"key": "high", "label": "High", "count": 3, "suppressed": False}]
    by_category = analyst.get("/api/stats/cases", {"by": "category"}).json()
    assert by_category["cells"][0]["key"] == "reported_abuse"
    bad = analyst.get("/api/stats/cases", {"by": "child"})
    assert bad.status_code == 422 and error_of(bad)["field"] == "by"
    # A manager sees their own province only.
    mine = as_user(world.manager_b).get("/api/stats/cases").json()
    assert [c["key"] for c in mine["cells"]] == ["79"]


def test_geography_for_any_signed_in_user(world: World, as_user: AsUser) -> None:
    api = as_user(world.auditor)
    provinces = api.get("/api/geo/provinces").json()
    assert len(provinces) == 34 and provinces[0]["code"] == "01"
    communes = api.get("/api/geo/provinces/01/communes").json()
    assert COMMUNE_A1 in {c["code"] for c in communes}
    assert all(c["province"] == "01" for c in communes)
    assert COMMUNE_B1 not in {c["code"] for c in communes}
    missing = api.get("/api/geo/provinces/98/communes")
    assert missing.status_code == 404 and error_of(missing)["message"] == "Province not found."


# --- audit ---------------------------------------------------------------------------------


def test_case_detail_read_is_audited_with_channel_api(world: World, as_user: AsUser) -> None:
    api = as_user(world.officer_a1)
    response = api.get(f"/api/cases/{world.case_a1.pk}")
    assert response.status_code == 200
    detail = response.json()
    assert detail["child"]["full_name"] == "Nguyễn Thị Hương"
    assert detail["categories"] == ["reported_abuse"] and detail["version"] == 1
    assert detail["owner"]["username"] == "officer_a1"
    assert "transition" in detail["allowed_actions"] and detail["next_statuses"] == ["screened"]
    event = AuditEvent.objects.filter(action="case.view").latest("id")
    assert event.channel == "api" and event.actor == world.officer_a1
    assert event.case_id == world.case_a1.pk and event.child_id == world.case_a1.child_id
    assert event.url_path == f"/api/cases/{world.case_a1.pk}"


def test_audit_log_for_auditors_paginated_and_filtered(world: World, as_user: AsUser) -> None:
    auditor = as_user(world.auditor)
    as_user(world.officer_a1).get(f"/api/cases/{world.case_a1.pk}")
    page = auditor.get("/api/audit", {"per_page": 2}).json()
    assert len(page["items"]) == 2 and page["total"] > 2 and page["pages"] > 1
    views = auditor.get("/api/audit", {"action": "case.view"}).json()
    assert [e["actor"] for e in views["items"]] == ["officer_a1"]
    assert views["items"][0]["channel"] == "api"
    opens = auditor.get("/api/audit", {"action": "case.", "actor": "officer_b1"}).json()
    assert [e["action"] for e in opens["items"]] == ["case.open"]
    by_case = auditor.get("/api/audit", {"case_id": world.case_a2.pk}).json()
    assert {e["case_id"] for e in by_case["items"]} == {world.case_a2.pk}
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assert auditor.get("/api/audit", {"since": future}).json()["total"] == 0
    assert auditor.get("/api/audit", {"since": "2025-01-01"}).status_code == 422  # no offset
    searched = AuditEvent.objects.filter(action="audit.view", actor=world.auditor).latest("id")
    assert set(searched.details["filters"]) == {"since"}
    assert as_user(world.manager_a).get("/api/audit").status_code == 403


# --- OpenAPI, docs, performance ------------------------------------------------------------


def test_openapi_schema_is_valid_json_listing_the_paths(client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/token", "/api/me", "/api/cases", "/api/cases/{case_id}",
        "/api/cases/{case_id}/transition", "/api/cases/{case_id}/notes",
        "/api/cases/{case_id}/consents", "/api/consents/{consent_id}/withdraw",
        "/api/cases/{case_id}/plan", "/api/cases/{case_id}/closure", "/api/approvals",
        "/api/approvals/{approval_id}/decision", "/api/cases/{case_id}/reopen",
        "/api/cases/{case_id}/assignments", "/api/cases/{case_id}/shares",
        "/api/cases/{case_id}/timeline", "/api/stats/cases", "/api/audit",
        "/api/geo/provinces", "/api/geo/provinces/{code}/communes",
    ):  # fmt: skip
        assert path in schema["paths"], path
    components = schema["components"]["schemas"]
    birth = components["ChildIn"]["properties"]["birth_date"]
    assert birth["format"] == "date"
    assert components["RiskLevel"]["enum"] == ["low", "medium", "high", "urgent"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert "/api/docs/assets/{name}" not in schema["paths"]


def test_docs_page_works_without_a_cdn(client: Client) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html and "/api/docs/assets/swagger-ui-bundle.js" in html
    assert '"url": "/api/openapi.json"' in html
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        asset = client.get(f"/api/docs/assets/{name}")
        assert asset.status_code == 200
        assert len(b"".join(asset.streaming_content)) > 100  # type: ignore[attr-defined]
    assert client.get("/api/docs/assets/..%2Fsettings.py").status_code == 404
    assert client.get("/api/docs/assets/redoc.standalone.js").status_code == 404


def test_case_detail_uses_a_fixed_number_of_queries(
    world: World, as_user: AsUser, django_assert_max_num_queries: Any
) -> None:
    case = world.case_a1
    api = as_user(world.officer_a1)
    for i in range(5):
        case_actions.add_note(case, text=f"Ghi chú {i}", acting_user=world.manager_a)
    share_with(world, case, world.agency_x, world.officer_a1)
    case_actions.assign_case(case, to_user=world.manager_a, acting_user=world.officer_a1)
    # token, case, child, audit insert, the non-empty related lists (one query each)
    with django_assert_max_num_queries(10):
        response = api.get(f"/api/cases/{case.pk}")
    detail = response.json()
    assert len(detail["notes"]) == 5 and detail["notes"][0]["author"]["username"] == "manager_a"
    assert detail["assignments"][0]["username"] == "manager_a"
    assert "share" in detail["allowed_actions"]


def test_caseload_query_count_does_not_grow_with_rows(
    world: World, as_user: AsUser, django_assert_num_queries: Any
) -> None:
    api = as_user(world.manager_a)
    api.get("/api/cases")  # the token's first use touches last_used_at
    # token, 3 index-range counts, waiting rows, answered rows, audit insert
    with django_assert_num_queries(7):
        small = api.get("/api/cases", {"mine": "false"})
    for i in range(6):
        case_actions.open_case(
            acting_user=world.officer_a2,
            child_data={"given_name": f"Bé {i}", "sex": "M", "birth_date": "2019-01-01",
                        "commune": world.commune_a2.code},
            case_data={"categories": ["at_risk"], "risk_level": "low", "summary": "Theo dõi"},
        )  # fmt: skip
    with django_assert_num_queries(7):
        large = api.get("/api/cases", {"mine": "false"})
    assert small.json()["total"] == 2 and large.json()["total"] == 8


def test_vietnamese_messages_follow_accept_language(world: World, as_user: AsUser) -> None:
    api = as_user(world.officer_a1, "vi")
    response = api.post("/api/cases", {**intake(), "risk_level": 5})
    body = error_of(response)
    with translation.override("vi"):
        expected = str(translation.gettext("Choose one of the listed options."))
        general = str(
            translation.gettext("Some of the data sent is not valid; see the messages by field.")
        )
    assert body["errors"]["risk_level"] == [expected] and body["message"] == general
    if VI_CATALOG.exists():  # pragma: no cover - depends on the catalog being built
        assert expected != "Choose one of the listed options."


def test_control_characters_and_far_dates_are_refused_not_crashes(
    world: World, as_user: AsUser
) -> None:
    officer = as_user(world.officer_a1)
    case = world.case_a1.pk
    for path, body in (
        (f"/api/cases/{case}/assignments", {"username": "ab\x00c"}),
        (f"/api/cases/{case}/shares", {"agency_code": "sos\x00"}),
        ("/api/cases", {"child": {"given_name": "An", "sex": "M", "birth_date": "2019-01-01",
                                  "commune": world.commune_a1.code},
                        "categories": ["at_risk"], "risk_level": "low", "summary": "x",
                        "reported_at": "0001-01-01T00:00:00+14:00"}),
    ):  # fmt: skip
        response = officer.post(path, body)
        assert response.status_code == 422, (path, response.content)
    assert officer.delete(f"/api/cases/{case}/assignments/a%00b").status_code == 400
    auditor = as_user(world.auditor)
    for query in ({"actor": "x\x00"}, {"since": "0001-01-01T00:00:00+14:00"},
                  {"until": "9999-12-31T23:00:00-10:00"}):  # fmt: skip
        assert auditor.get("/api/audit", query).status_code == 422, query


def test_api_timeline_read_is_audited(world: World, as_user: AsUser) -> None:
    response = as_user(world.officer_a1).get(f"/api/cases/{world.case_a1.pk}/timeline")
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.channel, event.case_id) == ("case.view", "api", world.case_a1.pk)
