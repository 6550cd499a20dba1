"""Tests of the explorer, province index and scorecard pages (both languages, permissions)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from baove.accounts.models import User
from baove.dashboards import store
from baove.dashboards.actions import publish_results
from baove.dashboards.synthetic import bench_frame
from baove.indicators.catalogue import CATALOGUE

from .conftest import World

pytestmark = pytest.mark.django_db

IDS = ["birth_reg", "stunting", "cl_sdg"]


def signed_in(client: Client, user: User, language: str = "en") -> Client:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def published(db: None) -> None:
    for year in (2014, 2018, 2021):
        publish_results(
            bench_frame(IDS, year, seed=4),
            source="survey",
            round=f"T-{year}",
            year=year,
            acting_user=None,
            label=f"Test survey {year}",
            synthetic=True,
        )


@pytest.mark.parametrize("language", ["en", "vi"])
def test_explorer_shows_the_stored_figures(
    client: Client, world: World, published: None, language: str
) -> None:
    signed_in(client, world.analyst, language)
    response = client.get(
        reverse("dashboards:explorer"), {"indicator": "birth_reg", "round": "T-2021"}
    )
    assert response.status_code == 200
    body = text(response)
    frame = store.results_frame(indicators=["birth_reg"], rounds=["T-2021"])
    total = frame[frame["by"] == "total"].iloc[0]
    assert f"{total['estimate'] * 100:.1f}" in body
    assert f"{total['ci_low'] * 100:.1f}–{total['ci_high'] * 100:.1f}" in body
    # the map: 34 province tiles, each linking to its scorecard
    assert (
        len(
            re.findall(r'<a href="[^"]*/indicators/provinces/\d\d/\?round=T-2021" data-code=', body)
        )
        == 34
    )
    assert body.count('role="img"') >= 3
    provinces = frame[frame["by"] == "province"]
    paren = provinces[provinces["flag"] == "()"].iloc[0]
    assert f"({paren['estimate'] * 100:.1f})" in body
    assert (provinces["flag"] == "*").any() and "(*)" in body
    # every province figure with its CI, as stored
    plain = provinces[provinces["flag"] == ""]
    for low, high in zip(plain["ci_low"], plain["ci_high"], strict=True):
        assert f"{float(low) * 100:.1f}–{float(high) * 100:.1f}" in body
    assert "synthetic" in body.lower() or "tổng hợp" in body.lower()
    if language == "en":
        assert "Indicator explorer" in body and "Female" in body and "Birth registration" in body
    else:
        assert "Nữ" in body and 'lang="vi"' in body
    # trend: the three rounds in the table
    for year in (2014, 2018, 2021):
        assert f"Test survey {year}" in body


def test_explorer_defaults_and_errors(client: Client, world: World, published: None) -> None:
    signed_in(client, world.officer_a1)
    url = reverse("dashboards:explorer")
    default = client.get(url)
    assert default.status_code == 200 and 'value="T-2021" selected' in text(default)
    assert client.get(url, {"indicator": "nope"}).status_code == 404
    assert client.get(url, {"indicator": "birth_reg", "round": "T-1999"}).status_code == 404
    assert client.get(url, {"indicator": "<script>"}).status_code == 400
    assert client.get(url, {"round": "x" * 300}).status_code == 400
    assert client.get(url + "?indicator=birth_reg&indicator=stunting").status_code == 400


def test_explorer_with_an_empty_store(client: Client, world: World) -> None:
    signed_in(client, world.manager_a)
    response = client.get(reverse("dashboards:explorer"))
    assert response.status_code == 200
    assert "No indicator results have been published yet." in text(response)


def test_permissions(client: Client, world: World, published: None) -> None:
    urls = [
        reverse("dashboards:explorer"),
        reverse("dashboards:provinces"),
        reverse("dashboards:scorecard", args=["01"]),
    ]
    for url in urls:
        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    for user in (world.provider_x, world.auditor, world.admin):
        c = signed_in(Client(), user)
        for url in urls:
            assert c.get(url).status_code == 403, (user.username, url)
    for user in (world.officer_a1, world.manager_b, world.analyst):
        c = signed_in(Client(), user)
        for url in urls:
            assert c.get(url).status_code == 200


@pytest.mark.parametrize("language", ["en", "vi"])
def test_scorecard(client: Client, world: World, published: None, language: str) -> None:
    signed_in(client, world.manager_a, language)
    response = client.get(reverse("dashboards:scorecard", args=["79"]))
    assert response.status_code == 200
    body = text(response)
    frame = store.results_frame(rounds=["T-2021"])
    mine = frame[(frame["by"] == "province") & (frame["domain"] == "79")]
    assert len(re.findall(r'<tr data-indicator="', body)) == len(mine)
    national = frame[(frame["by"] == "total") & (frame["indicator"] == "stunting")].iloc[0]
    assert f"{national['ci_low'] * 100:.1f}–{national['ci_high'] * 100:.1f}" in body
    if language == "en":
        assert "Hồ Chí Minh" in body or "Ho Chi Minh" in body
        # stunting and child labour have targets; birth registration has none
        assert "No target" in body
        assert re.search(r"On track|Off track|Target achieved|Not enough data", body)
    else:
        # catalogue names and labels come in Vietnamese (interface strings once the .po
        # files carry this app's msgids)
        assert CATALOGUE["stunting"].name_vi in body and 'lang="vi"' in body
        # The rates of change behind on/off track read in Vietnamese too.
        assert "observed" not in body and "required" not in body
        assert re.search(r"thực tế [+-]\d+\.\d\d% mỗi năm, cần [+-]\d+\.\d\d% mỗi năm", body)


def test_scorecard_errors(client: Client, world: World, published: None) -> None:
    signed_in(client, world.analyst)
    assert client.get("/indicators/provinces/99/").status_code == 404
    assert client.get("/indicators/provinces/1/").status_code == 404
    url = reverse("dashboards:scorecard", args=["01"])
    assert client.get(url, {"round": "NOPE-1"}).status_code == 404
    assert client.get(url, {"round": "bad round"}).status_code == 400
    index = client.get(reverse("dashboards:provinces"))
    assert index.status_code == 200
    assert len(re.findall(r'href="/indicators/provinces/\d\d/"', text(index))) == 34
