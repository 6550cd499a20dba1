"""Clerical review: scoped queue, side-by-side page, decisions, conflicts, history, API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from baove.accounts.actions import issue_api_token
from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, Conflict, NotFound, ValidationFailed
from baove.matching import actions, reads
from baove.matching.importer import import_run
from baove.matching.models import ReviewDecision, ReviewPair

from .conftest import World
from .test_matching_import import write_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    # Explanations are translated; the Python-level assertions read them in English.
    with translation.override("en"):
        yield


@pytest.fixture
def pairs(world: World, tmp_path: Path) -> tuple[ReviewPair, ReviewPair]:
    import_run(write_run(tmp_path / "run"))
    a = ReviewPair.objects.get(record_l__record_id="school:1")  # province A
    b = ReviewPair.objects.get(record_l__record_id="school:2")  # province B
    return a, b


def test_queue_follows_scope(world: World, pairs: tuple[ReviewPair, ReviewPair]) -> None:
    a, b = pairs
    assert [p.pk for p in reads.review_queue(world.manager_a)] == [a.pk]
    assert [p.pk for p in reads.review_queue(world.manager_b)] == [b.pk]
    assert AuditEvent.objects.latest("id").details["results"] == [b.pk]
    for role in ("officer_a1", "provider_x", "analyst", "auditor", "admin"):
        with pytest.raises(ActionNotAllowed):
            reads.review_queue(getattr(world, role))
    with pytest.raises(NotFound) as out:
        reads.view_pair(world.manager_a, b.pk)
    with pytest.raises(NotFound) as missing:
        reads.view_pair(world.manager_a, 987654)
    assert str(out.value) == str(missing.value)
    view = reads.view_pair(world.manager_a, a.pk)
    assert any(e.text == "birth date day/month swapped" for e in view.evidence)


def test_decisions_conflicts_and_reversal(
    world: World, pairs: tuple[ReviewPair, ReviewPair]
) -> None:
    a, b = pairs
    before = AuditEvent.objects.count()
    decided = actions.decide_pair(a.pk, decision="match", note="Cùng mẹ",
                                  acting_user=world.manager_a, expected_version=1)  # fmt: skip
    assert (decided.status, decided.version) == ("match", 2)
    assert AuditEvent.objects.count() == before + 1
    # The deputy read version 1 too: conflict, nothing written.
    with pytest.raises(Conflict):
        actions.decide_pair(a.pk, decision="non_match", acting_user=world.manager_a_deputy,
                            expected_version=1)  # fmt: skip
    assert AuditEvent.objects.count() == before + 1
    reversed_ = actions.decide_pair(a.pk, decision="non_match", acting_user=world.manager_a_deputy,
                                    expected_version=2)  # fmt: skip
    assert reversed_.status == "non_match"
    assert list(ReviewDecision.objects.filter(pair=a).values_list("decision", flat=True)) == [
        "match", "non_match",
    ]  # fmt: skip
    with pytest.raises(ValidationFailed):
        actions.decide_pair(a.pk, decision="maybe", acting_user=world.manager_a, expected_version=3)
    with pytest.raises(NotFound):
        actions.decide_pair(b.pk, decision="match", acting_user=world.manager_a, expected_version=1)
    with pytest.raises(ActionNotAllowed):
        actions.decide_pair(a.pk, decision="match", acting_user=world.officer_a1,
                            expected_version=3)  # fmt: skip


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages(world: World, pairs: tuple[ReviewPair, ReviewPair], language: str) -> None:
    a, b = pairs
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.manager_a)
    queue = client.get("/matching/review/")
    assert queue.status_code == 200 and f"/matching/review/{a.pk}/" in queue.content.decode()
    page = client.get(f"/matching/review/{a.pk}/")
    assert page.status_code == 200
    assert "Nguyen Thi Huong" in page.content.decode()
    assert client.get(f"/matching/review/{b.pk}/").status_code == 404
    assert client.get("/matching/review/987654/").status_code == 404
    stale = {"decision": "match", "version": "1", "note": ""}
    assert client.post(f"/matching/review/{a.pk}/decide/", stale).status_code == 302
    conflict = client.post(f"/matching/review/{a.pk}/decide/", stale)
    assert conflict.status_code == 409
    assert client.post(f"/matching/review/{a.pk}/decide/", {"decision": "?", "version": "2"}
                       ).status_code == 400  # fmt: skip
    assert client.post(f"/matching/review/{b.pk}/decide/", stale).status_code == 404
    officer = Client()
    officer.force_login(world.officer_a1)
    assert officer.get("/matching/review/").status_code == 403


def test_api(world: World, pairs: tuple[ReviewPair, ReviewPair]) -> None:
    a, b = pairs
    token = issue_api_token(world.manager_a, acting_user=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    queue = client.get("/api/matching/review")
    assert [p["id"] for p in queue.json()] == [a.pk]
    detail = client.get(f"/api/matching/review/{a.pk}")
    assert detail.status_code == 200 and detail.json()["evidence"]
    post = client.post(f"/api/matching/review/{a.pk}", {"decision": "match", "expected_version": 1},
                       content_type="application/json")  # fmt: skip
    assert post.status_code == 200 and post.json()["status"] == "match"
    again = client.post(
        f"/api/matching/review/{a.pk}", {"decision": "match", "expected_version": 1},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409
    out = client.post(f"/api/matching/review/{b.pk}", {"decision": "match", "expected_version": 1},
                      content_type="application/json")  # fmt: skip
    missing = client.post("/api/matching/review/987654", {"decision": "match",
                          "expected_version": 1}, content_type="application/json")  # fmt: skip
    assert out.status_code == missing.status_code == 404 and out.content == missing.content
    for body in ({"decision": "maybe", "expected_version": 2}, {"decision": "match"},
                 {"decision": "match", "expected_version": "2"}, "not json"):  # fmt: skip
        bad = client.post(f"/api/matching/review/{a.pk}", body, content_type="application/json")
        assert bad.status_code in (400, 422), body
    assert client.get("/api/matching/review", {"status": "nope"}).status_code == 422
    assert client.get("/api/matching/review/99999999999999999999").status_code in (404, 422)
