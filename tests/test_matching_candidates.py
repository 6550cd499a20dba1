"""Real-time "may already be known": scope, audit, explanations, pages and API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from baove.accounts.actions import issue_api_token
from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, ValidationFailed
from baove.matching.candidates import find_candidates
from baove.matching.importer import import_run, index_registry

from .conftest import COMMUNE_A1, COMMUNE_B1, World
from .test_matching_import import person, write_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Explanations are translated; the Python-level assertions read them in English.
    with translation.override("en"):
        yield


HUONG: dict[str, Any] = {
    "family": "Nguyen", "middle": "Thi", "given": "Huong", "birth_date": "2016-03-04",
    "sex": "F", "commune": COMMUNE_A1,
}  # fmt: skip
NAM: dict[str, Any] = {
    "family": "Huynh", "middle": "Van", "given": "Nam", "birth_date": "2014-06-01", "sex": "M",
    "commune": COMMUNE_B1,
}  # fmt: skip


@pytest.fixture
def linked(world: World, tmp_path: Path) -> World:
    import_run(write_run(tmp_path / "run"))
    return world


def test_finds_and_explains_within_scope(linked: World) -> None:
    found = find_candidates(linked.officer_a1, **HUONG)
    assert [c.record.record_id for c in found] == ["school:1", "health:7"]
    best, swapped = found
    assert best.match_probability > 0.9
    assert "same given name" in best.explanation and "same birth date" in best.explanation
    assert "birth date day/month swapped" in swapped.explanation
    event = AuditEvent.objects.latest("id")
    assert event.action == "match.search"
    assert event.details["results"] == [c.record.pk for c in found]
    assert "Huong" not in str(event.details)  # what was typed is not logged, only which fields


def test_scope_never_leaks(linked: World) -> None:
    # Officer A2 and B1 never see the girl of commune A1; manager A does, manager B not.
    assert find_candidates(linked.officer_a2, **HUONG) == []
    assert find_candidates(linked.officer_b1, **HUONG) == []
    assert find_candidates(linked.manager_b, **HUONG) == []
    assert {c.record.record_id for c in find_candidates(linked.manager_a, **HUONG)} == {
        "school:1", "health:7",
    }  # fmt: skip
    # The regional variant Huỳnh/Hoàng is found in B only.
    found = find_candidates(linked.officer_b1, **NAM)
    assert {c.record.record_id for c in found} == {"school:2", "health:9"}
    hoang = next(c for c in found if c.record.record_id == "health:9")
    # (With five records, "Hoàng" is so common that its term frequency outweighs the level.)
    assert any(e.text.startswith("regional variant") for e in hoang.evidence)
    assert find_candidates(linked.officer_a1, **NAM) == []
    for role in ("provider_x", "analyst", "auditor", "admin"):
        with pytest.raises(ActionNotAllowed):
            find_candidates(getattr(linked, role), **HUONG)


def test_bad_input_is_a_field_error(linked: World) -> None:
    cases = [
        ({"given": ""}, "given_name"),
        ({"given": "An", "birth_date": "30/02/2015"}, "birth_date"),
        ({"given": "An", "sex": "X"}, "sex"),
        ({"given": "An", "commune": "99999"}, "commune"),
        ({"given": "An", "id_number": "123"}, "id_number"),
        ({"given": "x" * 81}, "given_name"),
        ({"given": "A\x00n"}, "given_name"),
    ]
    for query, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            find_candidates(linked.officer_a1, **query)  # type: ignore[arg-type]
        assert caught.value.field == field, query


def test_registry_children_are_candidates_and_case_page_panel(
    linked: World, tmp_path: Path
) -> None:
    born = linked.case_a1.child.birth_date.isoformat()
    same = person("school:5", "Nguyễn", "Thị", "Hương", born, "F", COMMUNE_A1)
    import_run(write_run(tmp_path / "more", [same], {"school:5": "c5"}, []))
    index_registry()
    client = Client()
    client.force_login(linked.officer_a1)
    plain = client.get(f"/cases/{linked.case_a1.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert "may already be known" not in plain.content.decode()
    assert not AuditEvent.objects.filter(action="match.search").exists()
    page = client.get(f"/cases/{linked.case_a1.pk}/?known=1", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert "This child may already be known" in body
    assert "school" in body and "same given name" in body
    own = f"baove:{linked.case_a1.child_id}"
    event = AuditEvent.objects.filter(action="match.search").latest("id")
    assert event.case_id == linked.case_a1.pk
    assert own not in event.details["results"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_intake_check_button(linked: World, language: str) -> None:
    client = Client()
    client.force_login(linked.officer_a1)
    page = client.post(
        "/cases/new/",
        {"check": "1", "family_name": "Nguyễn", "middle_name": "Thị", "given_name": "Hương",
         "birth_date": "04/03/2016", "sex": "F", "commune": COMMUNE_A1},
        HTTP_ACCEPT_LANGUAGE=language,
    )  # fmt: skip
    body = page.content.decode()
    assert page.status_code == 200
    title = "Trẻ này có thể đã được biết đến" if language == "vi" else "This child may already be"
    assert title in body
    assert "Nguyễn Thị Hương" in body  # the form keeps what was typed
    assert "errorlist" not in body
    empty = client.post("/cases/new/", {"check": "1"}, HTTP_ACCEPT_LANGUAGE=language)
    assert empty.status_code == 200


def test_api_candidates(linked: World) -> None:
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {issue_api_token(linked.officer_a1, acting_user=None)}"
    )
    ok = client.get("/api/matching/candidates", {**HUONG, "birth_date": "2016-03-04"})
    assert ok.status_code == 200
    data = ok.json()
    assert [c["record"]["record_id"] for c in data] == ["school:1", "health:7"]
    assert data[0]["evidence"][0].keys() == {"field", "level", "text", "weight", "agrees"}
    bad_inputs = [
        {"given": "An", "birth_date": "2015-02-30"}, {"given": "An", "sex": "X"},
        {"given": "An", "commune": "1"}, {"given": "An", "id_number": "12"},
        {"given": "An", "limit": "0"}, {"given": "An", "limit": "x"}, {"given": "\x00"},
        {}, {"given": "An", "commune": "99999"},
    ]  # fmt: skip
    for query in bad_inputs:
        response = client.get("/api/matching/candidates", query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (400, 422), (query, response.status_code)
        assert response.json()["code"] == "validation_error"
    vi = client.get("/api/matching/candidates", {}, HTTP_ACCEPT_LANGUAGE="vi")
    en = client.get("/api/matching/candidates", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert vi.json()["message"] != en.json()["message"]
    analyst = Client(
        HTTP_AUTHORIZATION=f"Bearer {issue_api_token(linked.analyst, acting_user=None)}"
    )
    assert analyst.get("/api/matching/candidates", HUONG).status_code == 403
    schema = Client().get("/api/openapi.json").json()
    assert "/api/matching/candidates" in schema["paths"]
    assert "/api/matching/review/{pair_id}" in schema["paths"]
