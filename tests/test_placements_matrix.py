"""The permission matrix of placement actions: role x scope x action, actions and API.

Written out by hand (independently of ``accounts/roles.py``): on a placement of case A1
(Hà Nội, commune A1, shared with agency X), which roles may act, which are refused (403:
the role may never do it) and which get "not found" (404: out of their area, the same
answer as for a placement that does not exist). Success is judged by the one audit event
the action writes; refusals write nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baove.accounts.actions import issue_api_token
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, NotFound
from baove.placements import actions, reads
from baove.placements.models import Placement

from .conftest import World, share_with
from .test_placements_actions import days_ago, kinship, propose, residential_data

pytestmark = pytest.mark.django_db

ROLES = [
    "officer_a1", "officer_a2", "officer_b1", "manager_a", "manager_a_deputy", "manager_b",
    "provider_x", "provider_y", "analyst", "auditor", "admin",
]  # fmt: skip
_WORKERS = {"officer_a1", "manager_a", "manager_a_deputy"}
_NO_CASES = {"analyst", "auditor", "admin"}

#: action -> (roles allowed, roles answered 404); every other role gets 403.
MATRIX: dict[str, tuple[set[str], set[str]]] = {
    "record": (_WORKERS, {"officer_a2", "officer_b1", "manager_b"}),
    "review": (_WORKERS, {"officer_a2", "officer_b1", "manager_b"}),
    "end": (_WORKERS, {"officer_a2", "officer_b1", "manager_b"}),
    "decide": ({"manager_a", "manager_a_deputy"}, {"manager_b"}),
    "view": (_WORKERS | {"provider_x"}, {"officer_a2", "officer_b1", "manager_b", "provider_y"}),
}
EVENT = {
    "record": "placement.record", "review": "placement.review", "end": "placement.end",
    "decide": "placement.approve", "view": "placement.view",
}  # fmt: skip


def expected(action: str, role: str) -> int:
    """200 (allowed), 403 or 404 for ``role`` doing ``action`` on case A1's placement."""
    allowed, hidden = MATRIX[action]
    return 200 if role in allowed else 404 if role in hidden else 403


def _target(world: World, action: str) -> Placement:
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    if action == "decide":
        return propose(world, world.case_a1, world.officer_a1)
    return kinship(world.case_a1, world.officer_a1, start_date=days_ago(20))


def _run_action(world: World, action: str, user: User, placement: Placement) -> None:
    calls: dict[str, Callable[[], Any]] = {
        "record": lambda: actions.record_placement(
            world.case_a1, acting_user=user, **residential_data(world)
        ),
        "review": lambda: actions.record_review(
            placement, acting_user=user, expected_version=placement.version,
            reviewed_on=days_ago(1), outcome="continue",
        ),
        "end": lambda: actions.end_placement(
            placement, acting_user=user, expected_version=placement.version,
            end_date=days_ago(1), end_reason="reunified",
        ),
        "decide": lambda: actions.decide_placement(
            placement, approve=True, comment="", acting_user=user,
            expected_version=placement.version,
        ),
        "view": lambda: reads.view_placement(user, placement.pk),
    }  # fmt: skip
    calls[action]()


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_actions_layer(world: World, role: str, action: str) -> None:
    placement = _target(world, action)
    user = world.users()[role]
    before = AuditEvent.objects.filter(action=EVENT[action]).count()
    want = expected(action, role)
    if want == 200:
        _run_action(world, action, user, placement)
        assert AuditEvent.objects.filter(action=EVENT[action]).count() == before + 1
        return
    error = ActionNotAllowed if want == 403 else NotFound
    with pytest.raises(error):
        _run_action(world, action, user, placement)
    assert AuditEvent.objects.filter(action=EVENT[action]).count() == before
    placement.refresh_from_db()
    assert placement.version == 1


def _api_call(world: World, action: str, pk: int) -> tuple[str, str, dict[str, Any] | None]:
    today = days_ago(1).isoformat()
    calls: dict[str, tuple[str, str, dict[str, Any] | None]] = {
        "record": ("post", f"/api/placements/cases/{world.case_a1.pk}", {
            "placement_type": "kinship", "start_date": today, "reason": "Ở với bà.",
            "carer_name": "Lê Thị Mai", "carer_relationship": "Bà ngoại",
        }),
        "review": ("post", f"/api/placements/{pk}/reviews", {
            "reviewed_on": today, "outcome": "continue", "expected_version": 1}),
        "end": ("post", f"/api/placements/{pk}/end", {
            "end_date": today, "end_reason": "reunified", "expected_version": 1}),
        "decide": ("post", f"/api/placements/{pk}/decision",
                   {"approve": True, "expected_version": 1}),
        "view": ("get", f"/api/placements/{pk}", None),
    }  # fmt: skip
    return calls[action]


@pytest.mark.parametrize("action", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_api(world: World, client: Client, role: str, action: str) -> None:
    placement = _target(world, action)
    user = world.users()[role]
    headers = {"Authorization": f"Bearer {issue_api_token(user, acting_user=None)}"}
    method, path, body = _api_call(world, action, placement.pk)
    before = AuditEvent.objects.filter(action=EVENT[action]).count()
    if method == "get":
        response = client.get(path, headers=headers)
    else:
        response = client.post(path, json.dumps(body), content_type="application/json",
                               headers=headers)  # fmt: skip
    want = expected(action, role)
    assert response.status_code // 100 == 2 if want == 200 else response.status_code == want
    added = AuditEvent.objects.filter(action=EVENT[action]).count() - before
    assert added == (1 if want == 200 else 0)
    if want == 404:
        # The same answer as for a placement that does not exist.
        missing = path.replace(f"/{placement.pk}", "/999999999")
        if missing != path:
            other = (
                client.get(missing, headers=headers) if method == "get"
                else client.post(missing, json.dumps(body), content_type="application/json",
                                 headers=headers)
            )  # fmt: skip
            assert (other.status_code, other.json()) == (404, response.json())
