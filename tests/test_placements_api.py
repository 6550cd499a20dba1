"""The placements JSON API: list (scoped, audited), create, decide, review, end; 4xx never 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from baove.accounts.actions import issue_api_token
from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.placements.models import Placement

from .conftest import World
from .test_placements_actions import RULED_OUT, days_ago, kinship

pytestmark = pytest.mark.django_db


class Api:
    """A JSON client acting as one user with a bearer token."""

    def __init__(self, client: Client, user: User, lang: str = "en") -> None:
        token = issue_api_token(user, acting_user=None)
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": lang}

    def get(self, path: str) -> Any:
        return self.client.get(path, headers=self.headers)

    def post(self, path: str, data: Any = None, raw: str | None = None) -> Any:
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(path, body, content_type="application/json", headers=self.headers)


def residential(world: World, **overrides: Any) -> dict[str, Any]:
    """A residential placement request body."""
    body: dict[str, Any] = {
        "placement_type": "residential",
        "start_date": days_ago(1).isoformat(),
        "reason": "Trẻ cần chăm sóc đặc biệt.",
        "agency_code": world.agency_x.code,
        "facility_type": "residential_public",
        "ruled_out": RULED_OUT,
        "justification": "Tạm thời, trong khi tìm gia đình.",
    }
    body.update(overrides)
    return body


def test_list_is_scoped_and_audited(world: World, client: Client) -> None:
    placement = kinship(world.case_a1, world.officer_a1)
    response = Api(client, world.manager_a).get(f"/api/placements/cases/{world.case_a1.pk}")
    assert response.status_code == 200
    (item,) = response.json()
    assert (item["id"], item["placement_type"], item["status"]) == (
        placement.pk,
        "kinship",
        "active",
    )
    assert item["is_review_overdue"] is False and item["carer_name"] == "Lê Thị Mai"
    assert AuditEvent.objects.filter(action="placement.list", case_id=world.case_a1.pk).count() == 1
    other = Api(client, world.manager_b)
    hidden = other.get(f"/api/placements/cases/{world.case_a1.pk}")
    missing = other.get("/api/placements/cases/999999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert (
        Api(client, world.analyst).get(f"/api/placements/cases/{world.case_a1.pk}").status_code
        == 403
    )


def test_create_decide_review_end(world: World, client: Client) -> None:
    officer, manager = Api(client, world.officer_a1), Api(client, world.manager_a)
    url = f"/api/placements/cases/{world.case_a1.pk}"
    created = officer.post(url, residential(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "proposed" and body["ruled_out"]["foster"] == RULED_OUT["foster"]
    assert officer.post(url, residential(world)).json()["id"] == body["id"]  # double click
    pid = body["id"]
    own = Api(client, world.officer_a1).post(
        f"/api/placements/{pid}/decision", {"approve": True, "expected_version": 1}
    )
    assert own.status_code == 403
    decided = manager.post(
        f"/api/placements/{pid}/decision", {"approve": True, "expected_version": 1}
    )
    assert decided.status_code == 200 and decided.json()["status"] == "active"
    review = officer.post(f"/api/placements/{pid}/reviews", {
        "reviewed_on": days_ago(0).isoformat(), "outcome": "continue", "expected_version": 2,
    })  # fmt: skip
    assert review.status_code == 201 and review.json()["reviewer"] == "officer_a1"
    detail = officer.get(f"/api/placements/{pid}")
    assert detail.status_code == 200 and len(detail.json()["reviews"]) == 1
    ended = officer.post(f"/api/placements/{pid}/end", {
        "end_date": days_ago(0).isoformat(), "end_reason": "reunified", "expected_version": 3,
    })  # fmt: skip
    assert ended.status_code == 200 and ended.json()["status"] == "ended"
    late = officer.post(f"/api/placements/{pid}/end", {
        "end_date": days_ago(0).isoformat(), "end_reason": "reunified", "expected_version": 4,
    })  # fmt: skip
    assert late.status_code == 409 and late.json()["code"] == "illegal_transition"


def test_residential_errors_name_each_option(world: World, client: Client) -> None:
    response = Api(client, world.officer_a1).post(
        f"/api/placements/cases/{world.case_a1.pk}",
        residential(world, ruled_out={**RULED_OUT, "kinship": ""}, agency_code="no-such"),
    )
    assert response.status_code == 400 and response.json()["field"] == "agency_code"
    response = Api(client, world.officer_a1, lang="vi").post(
        f"/api/placements/cases/{world.case_a1.pk}",
        residential(world, ruled_out={**RULED_OUT, "kinship": ""}),
    )
    body = response.json()
    assert response.status_code == 400 and body["code"] == "validation_error"
    assert list(body["errors"]) == ["ruled_out_kinship"]
    assert Placement.objects.count() == 0


def test_other_province_manager_gets_404(world: World, client: Client) -> None:
    created = Api(client, world.officer_a1).post(
        f"/api/placements/cases/{world.case_a1.pk}", residential(world)
    )
    pid = created.json()["id"]
    response = Api(client, world.manager_b).post(
        f"/api/placements/{pid}/decision", {"approve": True, "expected_version": 1}
    )
    assert response.status_code == 404
    assert Placement.objects.get(pk=pid).status == "proposed"


def test_queues_and_counts(world: World, client: Client, settings: Any) -> None:
    settings.BAOVE_MIN_CELL = 2
    kinship(world.case_a1, world.officer_a1, start_date=days_ago(200))
    manager = Api(client, world.manager_a)
    due = manager.get("/api/placements/reviews-due")
    assert due.status_code == 200 and due.json()[0]["is_review_overdue"] is True
    assert manager.get("/api/placements/approvals").json() == []
    counts = Api(client, world.analyst).get("/api/placements/counts")
    assert counts.json() == [{"province": "01", "placement_type": "kinship", "count": None}]
    assert Api(client, world.officer_a1).get("/api/placements/counts").status_code == 403


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("cases/{case}", "{not json"),
        ("cases/{case}", "[]"),
        ("cases/{case}", '{"placement_type": "kinship", "start_date": 5, "reason": 1}'),
        (
            "cases/{case}",
            '{"placement_type": "residential", "start_date": "2024-01-01", '
            '"reason": "x", "ruled_out": "all", "agency_code": "\\u0000"}',
        ),
        (
            "cases/{case}",
            '{"placement_type": "kinship", "start_date": "2024-01-01", '
            '"reason": "x", "review_interval_days": "9"}',
        ),
        ("{pid}/decision", '{"approve": "yes", "expected_version": 1}'),
        ("{pid}/reviews", '{"reviewed_on": "tomorrow", "outcome": "continue"}'),
        ("{pid}/end", '{"end_date": "2024-01-01", "end_reason": "x", "expected_version": 0}'),
        ("99999999999999999999/end", "{}"),
    ],
)
def test_malformed_requests_are_4xx(world: World, client: Client, path: str, raw: str) -> None:
    pid = kinship(world.case_a2, world.officer_a2).pk
    api = Api(client, world.manager_a)
    response = api.post("/api/placements/" + path.format(case=world.case_a1.pk, pid=pid), raw=raw)
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "field", "errors"}
