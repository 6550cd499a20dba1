"""Tests of the dashboards JSON API: shape, aggregates only, permissions, bad parameters."""

from __future__ import annotations

import pytest
from django.test import Client

from baove.dashboards.actions import publish_results
from baove.dashboards.synthetic import bench_frame
from baove.indicators.catalogue import CATALOGUE

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db: None) -> None:
    for year in (2018, 2021):
        publish_results(bench_frame(["birth_reg", "stunting"], year, seed=2), source="survey",
                        round=f"A-{year}", year=year, acting_user=None)  # fmt: skip


def as_user(world: World, name: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users()[name])
    return client


def test_catalogue(world: World, published: None) -> None:
    response = as_user(world, "analyst").get("/api/indicators")
    assert response.status_code == 200
    items = {i["id"]: i for i in response.json()}
    assert set(items) == set(CATALOGUE)
    assert items["birth_reg"]["sdg"] == "16.9.1"
    assert items["birth_reg"]["rounds"] == ["A-2021", "A-2018"]
    assert items["vd_any"]["rounds"] == []
    assert {"definition", "numerator", "denominator", "sdmx_code"} <= set(items["stunting"])


def test_results_hide_suppressed_numbers(world: World, published: None) -> None:
    client = as_user(world, "officer_a1")
    response = client.get("/api/indicators/birth_reg/results?by=province&round=A-2021")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 34 and {r["by"] for r in rows} == {"province"}
    assert set(rows[0]) == {"round", "year", "source", "by", "domain", "label", "estimate", "se",
                            "ci_low", "ci_high", "n_unweighted", "flag", "text"}  # fmt: skip
    for row in rows:
        if row["flag"] == "*":
            assert row["estimate"] is None and row["ci_low"] is None and row["text"] == "(*)"
        else:
            assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    every = client.get("/api/indicators/birth_reg/results").json()["results"]
    assert {r["round"] for r in every} == {"A-2018", "A-2021"}


def test_scorecard(world: World, published: None) -> None:
    response = as_user(world, "manager_a").get("/api/indicators/provinces/01/scorecard")
    assert response.status_code == 200
    body = response.json()
    assert body["province"] == "01" and body["round"] == "A-2021"
    rows = {r["indicator"]: r for r in body["rows"]}
    assert set(rows) == {"birth_reg", "stunting"}
    assert rows["birth_reg"]["target_status"] is None
    assert rows["stunting"]["target_status"] in {"achieved", "on_track", "off_track",
                                                 "insufficient_data"}  # fmt: skip
    assert rows["stunting"]["comparison"] in {"higher", "lower", "same", "na"}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/indicators/nope/results", 404),
        ("/api/indicators/birth_reg/results?by=shoe", 422),
        ("/api/indicators/birth_reg/results?round=lower-case", 422),
        ("/api/indicators/birth_reg/results?round=NONE-1", 404),
        ("/api/indicators/BAD!/results", 422),
        ("/api/indicators/provinces/99/scorecard", 404),
        ("/api/indicators/provinces/1234/scorecard", 422),
        ("/api/indicators/provinces/01/scorecard?round=NONE-1", 404),
    ],
)
def test_bad_parameters(world: World, published: None, url: str, status: int) -> None:
    response = as_user(world, "analyst").get(url)
    assert response.status_code == status
    assert {"code", "message", "field", "errors"} <= set(response.json())


def test_permissions(world: World, published: None) -> None:
    assert Client().get("/api/indicators").status_code == 401
    for name in ("provider_x", "auditor", "admin"):
        client = as_user(world, name)
        assert client.get("/api/indicators").status_code == 403
        assert client.get("/api/indicators/birth_reg/results").status_code == 403
        assert client.get("/api/indicators/provinces/01/scorecard").status_code == 403
