"""The whole permission matrix: role x scope x action x path.

For every role of the canonical world, every action on a case, and every path (the actions
layer, the web pages, the JSON API):

* on a case in the user's scope, the action succeeds exactly when ``ALLOWED`` (written out
  by hand here, independently of ``accounts/roles.py``) says so; success is judged by the
  one audit event the action writes, refusal by no event and nothing changed;
* on a case outside the user's scope, the answer is identical to the answer for a case
  that does not exist (same exception and message, same status and body), and nothing is
  written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from baove.accounts.actions import issue_api_token
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.cases import actions, reads
from baove.cases.models import Approval, Case
from baove.core.errors import DomainError
from baove.registry import actions as registry_actions
from baove.registry.models import Child

from .conftest import World, share_with

pytestmark = pytest.mark.django_db

ROLES = ["officer_a1", "manager_a", "provider_x", "analyst", "auditor", "admin"]

#: In-scope permissions, by hand: action -> roles that may do it on a case they can reach.
ALLOWED: dict[str, set[str]] = {
    "view": {"officer_a1", "manager_a", "provider_x"},
    "note": {"officer_a1", "manager_a", "provider_x"},
    "transition": {"officer_a1", "manager_a"},
    "update": {"officer_a1", "manager_a"},
    "consent": {"officer_a1", "manager_a"},
    "assign": {"officer_a1", "manager_a"},
    "share": {"officer_a1", "manager_a"},
    "closure": {"officer_a1", "manager_a"},
    "caregiver": {"officer_a1", "manager_a"},
    "household": {"officer_a1", "manager_a"},
    "decide": {"manager_a"},
}

#: The audit action each case action writes when it succeeds.
EVENT = {
    "view": "case.view", "note": "case.note", "transition": "case.transition",
    "update": "case.update", "consent": "case.consent", "assign": "case.assign",
    "share": "case.share", "closure": "approval.request_closure",
    "caregiver": "child.add_caregiver", "household": "child.household",
    "decide": "approval.approved",
}  # fmt: skip

MISSING_ID = 987_654_321


@dataclass
class Target:
    """What an action is aimed at: a case (and for 'decide', its pending approval)."""

    case_id: int
    approval_id: int
    version: int


def _targets(world: World, action: str) -> dict[str, Target]:
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    own = other = MISSING_ID
    if action == "decide":  # a pending closure request on each case, to be decided
        own = actions.request_closure(
            world.case_a1, reason="no_concern", note="", acting_user=world.manager_a_deputy
        ).pk
        other = actions.request_closure(
            world.case_b1, reason="no_concern", note="", acting_user=world.officer_b1
        ).pk
    return {
        "in": Target(world.case_a1.pk, own, 1),
        "out": Target(world.case_b1.pk, other, 1),
        "missing": Target(MISSING_ID, MISSING_ID, 1),
    }


# --- the three paths ----------------------------------------------------------------------


def _python(world: World, user: User, action: str, t: Target) -> Any:
    def case() -> Case:
        found = Case.objects.filter(pk=t.case_id).first()
        # A case that does not exist is handed to the action as an unsaved stand-in.
        return found if found is not None else Case(pk=t.case_id, version=1)

    def child() -> Child:
        found = Case.objects.filter(pk=t.case_id).select_related("child").first()
        return found.child if found is not None else Child(pk=MISSING_ID)

    def approval() -> Approval:
        found = Approval.objects.filter(pk=t.approval_id).select_related("case").first()
        return found if found is not None else Approval(pk=t.approval_id, case=case())

    calls: dict[str, Callable[[], object]] = {
        "view": lambda: reads.view_case(user, t.case_id),
        "note": lambda: actions.add_note(case(), text="Ghi chú", acting_user=user),
        "transition": lambda: actions.advance_case(
            case(), to_status="screened", acting_user=user, expected_version=t.version
        ),
        "update": lambda: actions.update_case(
            case(), acting_user=user, expected_version=t.version, risk_level="urgent"
        ),
        "consent": lambda: actions.record_consent(
            case(), purpose="services", granted=True, given_by="Mẹ", relationship="mother",
            acting_user=user,
        ),
        "assign": lambda: actions.assign_case(
            case(), to_user=world.manager_a_deputy, acting_user=user
        ),
        "share": lambda: actions.share_case(case(), agency=world.agency_y, acting_user=user),
        "closure": lambda: actions.request_closure(
            case(), reason="other", note="Chuyển nơi khác", acting_user=user
        ),
        "caregiver": lambda: registry_actions.add_caregiver(
            child(), acting_user=user, data={"full_name": "Lê Văn Ba", "relationship": "father"}
        ),
        "household": lambda: registry_actions.set_household(
            child(), data={"address": "Số 1 ngõ 2", "poverty_status": "poor"}, acting_user=user
        ),
        "decide": lambda: actions.decide_approval(
            approval(), approve=True, comment="", acting_user=user
        ),
    }  # fmt: skip
    try:
        calls[action]()
    except DomainError as error:
        return (type(error).__name__, str(error))
    return "ok"


_CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
# The page echoes its own URL (the language switch returns to it); that is not a leak.
_OWN_URL = re.compile(rb'name="next" value="[^"]*"')


def _web(world: World, user: User, action: str, t: Target) -> Any:
    client = Client()
    client.force_login(user)
    base = f"/cases/{t.case_id}/"
    posts: dict[str, tuple[str, dict[str, Any]]] = {
        "note": ("note/", {"text": "Ghi chú"}),
        "transition": ("advance/", {"to_status": "screened", "version": t.version}),
        "update": ("update/", {"risk_level": "urgent", "categories": ["reported_abuse"],
                               "summary": "Cập nhật", "version": t.version}),
        "consent": ("consent/", {"purpose": "services", "granted": "yes", "given_by": "Mẹ",
                                 "relationship": "mother"}),
        "assign": ("assign/", {"user": world.manager_a_deputy.pk}),
        "share": ("share/", {"agency": world.agency_y.pk}),
        "closure": ("close/", {"reason": "other", "note": "Chuyển nơi khác"}),
        "caregiver": ("caregiver/", {"full_name": "Lê Văn Ba", "relationship": "father",
                                     "lives_with_child": "on"}),
        "household": ("household/", {"address": "Số 1 ngõ 2", "poverty_status": "poor"}),
    }  # fmt: skip
    if action == "view":
        response = client.get(base)
    elif action == "decide":
        response = client.post(f"/approvals/{t.approval_id}/decide/", {"decision": "approve"})
    else:
        path, data = posts[action]
        response = client.post(base + path, data)
    assert response.status_code < 500
    body = b""
    if response.status_code in (403, 404):
        body = _OWN_URL.sub(b"", _CSRF.sub(b"", response.content))
    return (response.status_code, body)


def _api(world: World, user: User, action: str, t: Target) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user, acting_user=None)}")
    base = f"/api/cases/{t.case_id}"
    posts: dict[str, tuple[str, dict[str, Any]]] = {
        "note": ("/notes", {"text": "Ghi chú"}),
        "transition": ("/transition", {"to_status": "screened", "expected_version": t.version}),
        "consent": ("/consents", {"purpose": "services", "granted": True, "given_by": "Mẹ",
                                  "relationship": "mother"}),
        "assign": ("/assignments", {"username": world.manager_a_deputy.username}),
        "share": ("/shares", {"agency_code": world.agency_y.code}),
        "closure": ("/closure", {"reason": "other", "note": "Chuyển nơi khác"}),
        "caregiver": ("/caregivers", {"full_name": "Lê Văn Ba", "relationship": "father"}),
    }  # fmt: skip
    if action == "view":
        response = client.get(base)
    elif action == "household":
        response = client.put(
            base + "/household", {"address": "Số 1 ngõ 2", "poverty_status": "poor"},
            content_type="application/json",
        )  # fmt: skip
    elif action == "update":
        response = client.patch(
            base, {"risk_level": "urgent", "expected_version": t.version},
            content_type="application/json",
        )  # fmt: skip
    elif action == "decide":
        response = client.post(
            f"/api/approvals/{t.approval_id}/decision", {"approve": True, "comment": ""},
            content_type="application/json",
        )  # fmt: skip
    else:
        path, data = posts[action]
        response = client.post(base + path, data, content_type="application/json")
    assert response.status_code < 500
    return (response.status_code, response.content if response.status_code >= 400 else b"")


PATHS = {"actions": _python, "web": _web, "api": _api}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_matrix(world: World, role: str, action: str, path: str) -> None:
    targets = _targets(world, action)
    user = getattr(world, role)
    run = PATHS[path]

    def events() -> int:
        return AuditEvent.objects.filter(action=EVENT[action]).count()

    # Outside scope and nonexistent: the same answer, and nothing written.
    def written_any() -> int:  # the API path issues a token first; that event is not a leak
        return AuditEvent.objects.exclude(action="token.issue").count()

    before = written_any()
    out = run(world, user, action, targets["out"])
    missing = run(world, user, action, targets["missing"])
    assert out == missing, (role, action, path)
    assert out != "ok"
    assert written_any() == before

    # In scope: allowed exactly as the table says, with one audit event of the action.
    before_action = events()
    result = run(world, user, action, targets["in"])
    written = events() - before_action
    if role in ALLOWED[action]:
        assert written == 1, (role, action, path, result)
        if path == "actions":
            assert result == "ok"
    else:
        assert written == 0, (role, action, path, result)
        assert result != "ok"


def test_search_and_export_follow_scope(world: World) -> None:
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    reach = {
        "officer_a1": {world.case_a1.pk},
        "manager_a": {world.case_a1.pk, world.case_a2.pk},
        "officer_b1": {world.case_b1.pk},
        "manager_b": {world.case_b1.pk},
    }
    for role, expected in reach.items():
        user = getattr(world, role)
        found = {c.pk for q in ("nguyen", "tran", "huynh") for c in reads.search_cases(user, q)}
        assert found == expected, role
        client = Client()
        client.force_login(user)
        page = client.get("/search/", {"q": "Nguyễn Thị Hương"})
        assert (world.case_a1.reference in page.content.decode()) == (
            world.case_a1.pk in expected
        ), role
        export = b"".join(client.get("/cases/export.csv").streaming_content)  # type: ignore[attr-defined]
        refs = {c.reference for c in Case.objects.filter(pk__in=expected)}
        assert {r for r in refs if r.encode() in export} == refs, role
        others = Case.objects.exclude(pk__in=expected)
        assert not any(c.reference.encode() in export for c in others), role
    for role in ("provider_x", "analyst", "auditor", "admin"):
        client = Client()
        client.force_login(getattr(world, role))
        assert client.get("/search/", {"q": "nguyen"}).status_code in (302, 403)
        assert client.get("/cases/export.csv").status_code in (302, 403)


# --- record linkage: candidate search and clerical review ----------------------------------

#: By hand, like ALLOWED: who may search candidates, and who may decide review pairs.
MATCH_ALLOWED = {
    "match_search": {"officer_a1", "manager_a"},
    "match_decide": {"manager_a"},
}
MATCH_EVENT = {"match_search": "match.search", "match_decide": "match.review_decide"}


def _match_run(user: User, action: str, pair_id: int, path: str) -> Any:
    from baove.matching import actions as match_actions
    from baove.matching.candidates import find_candidates

    query: dict[str, Any] = {"family": "Nguyễn", "given": "Hương", "birth_date": "2016-03-04"}
    decision = {"decision": "match", "expected_version": 1}
    if path == "actions":
        try:
            if action == "match_search":
                find_candidates(user, **query)
            else:
                match_actions.decide_pair(pair_id, decision="match", acting_user=user,
                                          expected_version=1)  # fmt: skip
        except DomainError as error:
            return (type(error).__name__, str(error))
        return "ok"
    if path == "web":
        client = Client()
        client.force_login(user)
        if action == "match_search":
            response = client.post("/cases/new/", {"check": "1", "family_name": "Nguyễn",
                                                   "given_name": "Hương"})  # fmt: skip
        else:
            response = client.post(f"/matching/review/{pair_id}/decide/",
                                   {"decision": "match", "version": "1"})  # fmt: skip
        body = _OWN_URL.sub(b"", _CSRF.sub(b"", response.content))
        return (response.status_code, body if response.status_code in (403, 404) else b"")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user, acting_user=None)}")
    if action == "match_search":
        response = client.get("/api/matching/candidates", query)
    else:
        response = client.post(f"/api/matching/review/{pair_id}", decision,
                               content_type="application/json")  # fmt: skip
    assert response.status_code < 500
    return (response.status_code, response.content if response.status_code >= 400 else b"")


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("action", list(MATCH_ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_matching_matrix(world: World, role: str, action: str, path: str, tmp_path: Any) -> None:
    from baove.matching.importer import import_run
    from baove.matching.models import ReviewPair

    from .test_matching_import import write_run

    import_run(write_run(tmp_path / "run"))
    own = ReviewPair.objects.get(record_l__record_id="school:1").pk  # province A
    other = ReviewPair.objects.get(record_l__record_id="school:2").pk  # province B
    user = getattr(world, role)

    def written_any() -> int:
        return AuditEvent.objects.exclude(action="token.issue").count()

    if action == "match_decide":
        before = written_any()
        out = _match_run(user, action, other, path)
        missing = _match_run(user, action, MISSING_ID, path)
        assert out == missing, (role, path)
        assert out != "ok"
        assert written_any() == before
    before_action = AuditEvent.objects.filter(action=MATCH_EVENT[action]).count()
    result = _match_run(user, action, own, path)
    written = AuditEvent.objects.filter(action=MATCH_EVENT[action]).count() - before_action
    if role in MATCH_ALLOWED[action]:
        assert written == 1, (role, action, path, result)
    else:
        assert written == 0, (role, action, path, result)
        assert result != "ok"
