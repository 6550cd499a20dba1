"""Tests of the public tables, pages, API and CSV: protection, freezing, no 500s."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from baove.accounts.models import User
from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.opendata import disclosure, tables
from baove.opendata.models import Release

from .conftest import COMMUNE_A1, COMMUNE_A2, COMMUNE_B1, World, case_data, child_data

pytestmark = pytest.mark.django_db

# Well before the end of last month, whatever today is (months have at most 31 days).
PAST = dt.timedelta(days=70)


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    settings.BAOVE_OPEN_KEY_SALT = "test-salt"
    cache.clear()


def _open(officer: User, commune: str, *, sex: str = "F", ago: dt.timedelta = PAST) -> Case:
    return case_actions.open_case(
        acting_user=officer,
        child_data=child_data(commune, sex=sex),
        case_data=case_data(reported_at=timezone.now() - ago),
    )


@pytest.fixture
def populated(world: World) -> World:
    """Province A: 24 girls and one boy (A2); province B: 12 girls; all open, last month."""
    for i in range(24):
        _open(world.officer_a1 if i % 2 else world.officer_a2, COMMUNE_A1 if i % 2 else COMMUNE_A2)
    _open(world.officer_a2, COMMUNE_A2, sex="M")
    for _ in range(12):
        _open(world.officer_b1, COMMUNE_B1)
    return world


def _true_key_sum(qs: Any) -> tuple[int, int]:
    params = disclosure.key_params("case")
    ids = list(qs.values_list("id", flat=True))
    return len(ids), sum(disclosure.record_key(i, params) for i in ids)


def test_cells_are_the_cell_key_method_on_the_database(populated: World) -> None:
    period = tables.current_period()
    data = tables.compute("open-cases", "sex", period)
    end = tables._period_end(period)
    in_a = Case.objects.filter(province_id="01", reported_at__lt=end)
    girls_a = in_a.filter(child__sex="F")
    assert data["cells"]["01|F"] == disclosure.protect(*_true_key_sum(girls_a))
    assert data["row_totals"]["01"] == disclosure.protect(*_true_key_sum(in_a))
    # Large cells stay accurate: within the bound, a multiple of 5.
    assert abs(data["cells"]["01|F"] - 24) <= disclosure.MAX_ERROR
    assert data["cells"]["01|F"] % 5 == 0
    # The single boy and an empty province (04, Cao Bằng) are suppressed alike.
    assert data["cells"]["01|M"] is None
    assert data["cells"]["79|F"] is not None and data["cells"]["79|M"] is None
    assert data["row_totals"]["04"] is None and data["cells"]["04|F"] is None
    # The cases opened today (the world's three) are not in last month's table.
    assert data["row_totals"]["79"] == disclosure.protect(
        *_true_key_sum(Case.objects.filter(province_id="79", reported_at__lt=end))
    )


def test_totals_are_consistent_across_tables(populated: World) -> None:
    period = tables.current_period()
    bys = ("total", "sex", "risk", "age_group", "category")
    releases = [tables.compute("open-cases", by, period) for by in bys]
    # The same cell (the same records) is the same number in every table that shows it.
    assert len({r["total"] for r in releases}) == 1
    assert len({r["row_totals"]["01"] for r in releases}) == 1
    sex = releases[1]
    # The column total of girls is its own cell: all girls, both provinces.
    girls = Case.objects.filter(child__sex="F", reported_at__lt=tables._period_end(period))
    assert sex["column_totals"]["F"] == disclosure.protect(*_true_key_sum(girls))


def test_attack_total_minus_cell_across_many_secrets(populated: World, settings: Any) -> None:
    """The attacker reads A's total and A's girls and subtracts to find A's boy.

    Repeated under 40 record-key secrets: the estimate is sometimes 0, sometimes 5, ... and
    is a multiple of 5 anyway; it is never a reliable "1".
    """
    period = tables.current_period()
    estimates = []
    for i in range(40):
        settings.BAOVE_OPEN_KEY_SALT = f"secret-{i}"
        data = tables.compute("open-cases", "sex", period)
        assert data["cells"]["01|M"] is None
        estimates.append(data["row_totals"]["01"] - data["cells"]["01|F"])
    assert 1 not in estimates  # the true value is never what the attacker reads
    assert len(set(estimates)) > 1  # and what they read changes with the secret, not the truth


def test_attack_today_versus_yesterday_sees_nothing(populated: World, client: Client) -> None:
    """A new case today (or back-dated into the period) does not change what is published."""
    before = client.get("/api/open/tables/open-cases", {"by": "sex"}).json()
    before_csv = client.get("/open/open-cases/sex.csv").content
    _open(populated.officer_a1, COMMUNE_A1, sex="M", ago=dt.timedelta(0))
    _open(populated.officer_a1, COMMUNE_A1, sex="M")  # back-dated: still frozen
    cache.clear()
    after = client.get("/api/open/tables/open-cases", {"by": "sex"}).json()
    assert after == before
    assert client.get("/open/open-cases/sex.csv").content == before_csv
    assert Release.objects.filter(table="open-cases", by="sex").count() == 1
    # A free period cannot be asked for: unknown parameters are ignored, the release stays.
    moved = client.get("/api/open/tables/open-cases", {"by": "sex", "until": "2099-01-01"})
    assert moved.json() == before


def test_api_is_public_and_has_no_personal_data(populated: World, client: Client) -> None:
    listing = client.get("/api/open/tables")
    assert listing.status_code == 200
    ids = {t["id"]: t for t in listing.json()}
    assert set(ids) == set(tables.TABLES) and ids["open-cases"]["available"] is True
    response = client.get(
        "/api/open/tables/new-cases", {"by": "province"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["min_cell"] == 10 and body["round_base"] == 5
    assert body["rows"][-1]["code"] == "total"
    assert body["columns"][0] == {"code": "01", "label": "Thành phố Hà Nội"}
    text = response.content.decode()
    for secret in ("Hương", "Nguyễn", populated.case_a1.reference, "officer_a1"):
        assert secret not in text
    indicators = client.get("/api/open/indicators")
    assert indicators.status_code == 200 and isinstance(indicators.json(), list)


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/open/tables/bogus", {}, 422),
        ("/api/open/tables/open-cases", {"by": "child_name"}, 422),
        ("/api/open/tables/open-cases", {"by": "service_type"}, 400),
        ("/api/open/tables/open-cases", {"by": "province"}, 400),  # the rows themselves
        ("/api/open/tables/open-cases", {"by": "\x00"}, 422),
        ("/api/open/indicators", {"indicator": "x" * 500}, 400),
        ("/open/bogus/", {}, 404),
        ("/open/open-cases/", {"by": "nonsense"}, 404),
        ("/open/open-cases/", {"by": "é" * 50}, 404),
        ("/open/open-cases/child_name.csv", {}, 404),
    ],
)
def test_malformed_requests_get_clear_errors(
    world: World, client: Client, path: str, params: dict[str, str], status: int
) -> None:
    response = client.get(path, params)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert response.json()["code"] in {"validation_error", "not_found"}


def test_tables_of_apps_not_installed_answer_404_or_work(world: World, client: Client) -> None:
    for table in ("referrals", "placements"):
        spec = tables.TABLES[table]
        response = client.get(f"/api/open/tables/{table}")
        assert response.status_code == (200 if tables.available(spec) else 404)


def test_pages_and_csv_in_both_languages(populated: World, client: Client) -> None:
    index = client.get("/open/", HTTP_ACCEPT_LANGUAGE="en")
    assert index.status_code == 200 and 'lang="en"' in index.content.decode()
    assert "/open/open-cases/" in index.content.decode()
    page = client.get("/open/open-cases/", {"by": "sex"}, HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    assert page.status_code == 200 and 'lang="vi"' in html
    assert "<caption>" in html and "&lt;10" in html  # suppressed cells say so in text
    assert "Hương" not in html
    download = client.get("/open/open-cases/sex.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(download.content.decode())))
    header = ["period", "province", "province_label", "sex", "sex_label", "value", "suppressed"]
    assert lines[0] == header
    by_key = {(row[1], row[3]): row for row in lines[1:]}
    assert by_key[("01", "M")][5] == "" and by_key[("01", "M")][6] == "1"
    assert int(by_key[("01", "F")][5]) % 5 == 0
    assert ("total", "total") in by_key
