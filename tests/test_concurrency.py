"""Two workers changing the same case at once, on real concurrent database connections.

Runs on PostgreSQL (CI runs the whole suite there too); SQLite serialises writers in one
process, and the sequential conflict is covered in test_cases_actions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections

from baove.audit.models import AuditEvent
from baove.cases import actions
from baove.cases.models import Case
from baove.core.errors import Conflict
from baove.geo.loader import load as load_geography
from baove.geo.models import Commune, Province

from .conftest import World, build_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def committed_world(transactional_db: None) -> Iterator[World]:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL with real concurrent connections")
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
    try:
        # A transactional test empties every table afterwards, geography included.
        if not Province.objects.exists():
            load_geography(Province, Commune)
        yield build_world()
    finally:
        # The test database is emptied with TRUNCATE after a transactional test; the audit
        # log's append-only triggers would refuse that, so they are paused for the flush only.
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


def _race(world: World, attempts: list[tuple[Any, dict[str, Any]]]) -> list[object]:
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def run(i: int, fn: Any, kwargs: dict[str, Any]) -> None:
        try:
            case = Case.objects.get(pk=world.case_a1.pk)  # each thread its own connection
            barrier.wait(timeout=10)
            results[i] = fn(case, **kwargs)
        except Exception as exc:  # the test inspects what each worker got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, fn, kw)) for i, (fn, kw) in enumerate(attempts)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_workers_same_case_one_wins_other_conflicts(committed_world: World) -> None:
    world = committed_world
    results = _race(
        world,
        [
            (actions.update_case, {"acting_user": world.officer_a1, "expected_version": 1,
                                   "risk_level": "urgent"}),
            (actions.update_case, {"acting_user": world.manager_a, "expected_version": 1,
                                   "risk_level": "low"}),
        ],
    )  # fmt: skip
    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    case = Case.objects.get(pk=world.case_a1.pk)
    assert case.version == 2
    assert case.risk_level == winners[0].risk_level
    assert AuditEvent.objects.filter(case_id=case.pk, action="case.update").count() == 1


def test_concurrent_transitions_advance_once(committed_world: World) -> None:
    world = committed_world
    kwargs = {"to_status": "screened", "expected_version": 1}
    results = _race(
        world,
        [
            (actions.advance_case, {**kwargs, "acting_user": world.officer_a1}),
            (actions.advance_case, {**kwargs, "acting_user": world.manager_a}),
            (actions.advance_case, {**kwargs, "acting_user": world.manager_a_deputy}),
        ],
    )
    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, Conflict) for r in results) == 2, results
    assert (
        AuditEvent.objects.filter(case_id=world.case_a1.pk, action="case.transition").count() == 1
    )
