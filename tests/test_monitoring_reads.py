"""Tests of the case management dashboard: numbers, scope, permissions, languages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone, translation

from baove.accounts import actions as account_actions
from baove.accounts.models import User
from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.cases.vocab import Status
from baove.core.errors import ActionNotAllowed, NotFound
from baove.monitoring import charts, reads

from .conftest import COMMUNE_A1, COMMUNE_A2, World, case_data, child_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_cache() -> None:
    cache.clear()
    caches["shared"].clear()


@pytest.fixture
def busy(world: World) -> World:
    """A: an urgent case reported 3 days ago, never answered (overdue), owned by officer_a1;
    a medium case reported 10 days ago and screened now (answered after ~240 hours)."""
    now = timezone.now()
    case_actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(COMMUNE_A1, given_name="Xoan"),
        case_data=case_data(risk_level="urgent", reported_at=now - dt.timedelta(days=3)),
    )
    screened = case_actions.open_case(
        acting_user=world.officer_a2,
        child_data=child_data(COMMUNE_A2, given_name="Cúc"),
        case_data=case_data(risk_level="medium", reported_at=now - dt.timedelta(days=10)),
    )
    case_actions.advance_case(
        screened, to_status="screened", acting_user=world.officer_a2, expected_version=1
    )
    return world


def test_numbers_of_a_hand_built_province(busy: World) -> None:
    s = reads.summary(busy.manager_a)
    assert s.scope == "province" and s.province == "01" and s.min_cell is None
    assert s.open_total == 4
    assert s.stage_risk["reported"] == {"urgent": 1, "high": 2, "medium": 0, "low": 0}
    assert s.stage_risk["screened"]["medium"] == 1
    assert s.stage_totals["reported"] == 3 and s.risk_totals["high"] == 2
    assert s.overdue_cases == 1
    assert s.response_cases.n == 1
    assert s.response_cases.median_hours == pytest.approx(240, abs=0.2)
    assert s.response_cases.p90_hours == s.response_cases.median_hours
    # Trend: each case in the month it was reported (local time), nothing elsewhere.
    expected: dict[str, int] = {}
    for case in Case.objects.filter(province_id="01"):
        month = timezone.localtime(case.reported_at).strftime("%Y-%m")
        expected[month] = expected.get(month, 0) + 1
    trend = dict(s.trend)
    assert len(trend) == reads.TREND_MONTHS
    assert {k: v for k, v in trend.items() if v} == expected
    assert max(trend) == timezone.localtime().strftime("%Y-%m")
    workers = {w.name: (w.open, w.overdue) for w in s.caseload or []}
    assert workers == {"officer_a1": (2, 1), "officer_a2": (2, 0)}


def test_overdue_is_judged_at_now(busy: World) -> None:
    later = timezone.now() + dt.timedelta(days=2)  # the world's high cases are due in 24 h
    assert reads.summary(busy.manager_a, now=later).overdue_cases == 3


def test_a_manager_of_b_sees_nothing_of_a(busy: World) -> None:
    s = reads.summary(busy.manager_b, province="01")  # asking for A changes nothing
    assert s.province == "79" and s.open_total == 1 and s.overdue_cases == 0
    assert [w.name for w in s.caseload or []] == ["officer_b1"]


def test_analyst_gets_the_country_with_small_cells_suppressed(busy: World, settings: Any) -> None:
    s = reads.summary(busy.analyst)
    assert s.scope == "national" and s.min_cell == 5 and s.caseload is None
    assert s.open_total == 5  # 4 in A, 1 in B: not small
    assert s.stage_risk["reported"]["high"] is None  # 3 < 5
    assert s.overdue_cases is None and s.response_cases.median_hours is None
    assert reads.summary(busy.analyst, province="79").open_total is None
    settings.BAOVE_MIN_CELL = 1
    caches["shared"].clear()
    assert reads.summary(busy.analyst, province="01").stage_risk["reported"]["high"] == 2
    with pytest.raises(NotFound):
        reads.summary(busy.analyst, province="98")


def test_complementary_suppression_of_a_crosstab() -> None:
    cells = {"a": {"x": 2, "y": 20}, "b": {"x": 30, "y": 40}}
    out = reads._suppress_crosstab(cells, 5)
    # a/x alone would follow from the margins: a/y, b/x and then b/y go with it.
    assert out["a"]["x"] is None and out["a"]["y"] is None and out["b"]["x"] is None
    assert reads.suppress({"p": 3, "q": 9, "r": 50}, 5) == {"p": None, "q": None, "r": 50}
    assert reads.suppress({"p": 0, "q": 9}, 5) == {"p": 0, "q": 9}


@pytest.mark.parametrize("name", ["officer_a1", "provider_x", "auditor", "admin"])
def test_other_roles_are_refused(world: World, client: Client, name: str) -> None:
    user = world.users()[name]
    with pytest.raises(ActionNotAllowed):
        reads.summary(user)
    client.force_login(user)
    assert client.get("/monitoring/").status_code == 403
    token = account_actions.issue_api_token(user, acting_user=None)
    response = client.get("/api/monitoring/summary", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_anonymous_is_sent_to_sign_in(world: World, client: Client) -> None:
    assert client.get("/monitoring/").status_code == 302
    assert client.get("/api/monitoring/summary").status_code == 401


def _api(client: Client, user: User, **params: str) -> Any:
    token = account_actions.issue_api_token(user, acting_user=None)
    return client.get(
        "/api/monitoring/summary", params, headers={"Authorization": f"Bearer {token}"}
    )


def test_api_gives_the_same_numbers(busy: World, client: Client) -> None:
    response = _api(client, busy.manager_a)
    assert response.status_code == 200
    body = response.json()
    assert body["open_total"] == 4 and body["overdue_cases"] == 1
    assert body["stage_risk"]["reported"]["urgent"] == 1
    assert len(body["trend"]) == reads.TREND_MONTHS and "month" in body["trend"][0]
    assert {w["name"] for w in body["caseload"]} == {"officer_a1", "officer_a2"}
    assert "Xoan" not in response.content.decode()  # no child's data
    assert _api(client, busy.analyst, province="zz").status_code == 404
    assert _api(client, busy.analyst, province="01").json()["province"] == "01"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_in_both_languages(busy: World, client: Client, lang: str) -> None:
    client.force_login(busy.manager_a)
    response = client.get("/monitoring/", HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    assert response.status_code == 200 and f'lang="{lang}"' in html
    with translation.override(lang):
        assert str(Status.REPORTED.label) in html
    assert html.count('role="img"') >= 3 and "<title id=" in html and "<caption>" in html
    assert "officer_a1" in html and "Xoan" not in html
    client.force_login(busy.manager_b)
    other = client.get("/monitoring/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert "officer_a1" not in other


def test_analyst_page_marks_hidden_cells(busy: World, client: Client) -> None:
    client.force_login(busy.analyst)
    html = client.get("/monitoring/", {"province": "01"}).content.decode()
    assert "&lt;5" in html and 'name="province"' in html
    assert client.get("/monitoring/", {"province": "98"}).status_code == 404
    assert client.get("/monitoring/", {"province": "<script>"}).status_code == 200


def test_charts_escape_text_and_say_values_in_text() -> None:
    svg = charts.bar_chart(chart_id="c", title="<b>T</b>", items=[("a&b", 3), ("c", None)],
                           suppressed="<5")  # fmt: skip
    assert "<b>" not in svg and "&lt;b&gt;T" in svg and "a&amp;b" in svg
    assert ">3</text>" in svg and "&lt;5</text>" in svg and 'role="img"' in svg
    col = charts.column_chart(chart_id="d", title="t", items=[("01/2025", 1200), ("02/2025", 0)])
    assert "1\u202f200" in col and "<desc" in col


def test_warm_computes_every_province_and_the_country_ahead(
    busy: World, django_assert_max_num_queries: Any
) -> None:
    from baove.core import scheduler

    scheduler._default_jobs()
    assert "monitoring.warm" in scheduler.JOBS  # the server runs it every five minutes
    assert reads.warm() == 3  # provinces 01 and 79 (which have cases), and the country
    # A manager's page then reads one cache row: no aggregate query runs.
    with django_assert_max_num_queries(1):
        warmed = reads.summary(busy.manager_a)
    assert warmed.open_total == reads._compute("01", None, timezone.now()).open_total
    national = reads.summary(busy.analyst)
    assert national.generated_at == warmed.generated_at  # both from the same warm run
