"""An analyst explores the published indicators and opens a province scorecard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from baove.dashboards.pages import province_names
from baove.indicators.catalogue import CATALOGUE

from .conftest import (
    CAUTION_PROVINCE,
    HIGH_GAP,
    HIGH_PROVINCE,
    NATIONAL,
    SE,
    SUPPRESSED_PROVINCE,
    choose_language,
    percent,
    shoot,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_explorer_map_and_scorecard(page: Page, published: dict[str, int]) -> None:
    stunting, birth_reg = CATALOGUE["stunting"], CATALOGUE["birth_reg"]
    sign_in(page, "analyst")
    page.locator('nav a[href="/indicators/"]').click()  # the menu's indicator explorer
    # The first published indicator of the catalogue, latest survey round, in Vietnamese.
    expect(page.locator("#ind-title")).to_have_text(birth_reg.name_vi)
    expect(page.locator(".big .fig")).to_have_text(percent(NATIONAL["birth_reg", "SCW-2021"]))

    page.locator("#pick-indicator").select_option(label=stunting.name_vi)
    page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"indicator=stunting"))
    expect(page.locator("#ind-title")).to_have_text(stunting.name_vi)
    national = NATIONAL["stunting", "SCW-2021"]
    expect(page.locator(".big .fig")).to_have_text(percent(national))
    ci = f"{percent(national - 1.96 * SE)}–{percent(national + 1.96 * SE)}"
    expect(page.locator(".big .ci-range")).to_have_text(ci)

    # The trend: one row per survey round, oldest first.
    trend = page.locator("#trend-title ~ div table tbody tr")
    expect(trend).to_have_count(2)
    expect(trend.nth(0)).to_contain_text(percent(NATIONAL["stunting", "MICS-2014"]))
    expect(trend.nth(1)).to_contain_text(percent(national))

    # The tile map: the 34 provinces, each a link to its scorecard, MICS marks on the values.
    tiles = page.locator("svg.tilemap a[data-code]")
    expect(tiles).to_have_count(34)
    caution = page.locator(f'svg.tilemap a[data-code="{CAUTION_PROVINCE}"] text.tval')
    expect(caution).to_have_text(re.compile(r"^\(\d+\.\d\)$"))
    suppressed = page.locator(f'svg.tilemap a[data-code="{SUPPRESSED_PROVINCE}"] text.tval')
    expect(suppressed).to_have_text("(*)")
    table = page.locator("#province-table tbody tr")
    expect(table).to_have_count(34)
    expect(table.filter(has=page.locator(".fig.suppressed"))).to_have_count(1)
    expect(table.filter(has=page.locator(".fig.caution"))).to_have_count(1)
    expect(page.locator("#note-paren")).to_be_visible()
    expect(page.locator("#note-star")).to_be_visible()
    shoot(page, "explorer")

    choose_language(page, "en")
    expect(page.locator("#ind-title")).to_have_text(stunting.name_en)
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicator explorer")

    # A square of the map opens that province's scorecard for the same round.
    page.locator(f'svg.tilemap a[data-code="{HIGH_PROVINCE}"]').click()
    expect(page).to_have_url(re.compile(rf"/indicators/provinces/{HIGH_PROVINCE}/\?round=SCW-2021"))
    name = province_names()[HIGH_PROVINCE]["en"]
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    row = page.locator('tr[data-indicator="stunting"]')
    expect(row.locator("td").nth(0)).to_have_text(percent(national + HIGH_GAP))
    expect(row.locator("td").nth(2)).to_have_text(percent(national))
    expect(row.locator("td.cmp")).to_contain_text("Higher (significant)")
    expect(row.locator("td.target")).to_contain_text("2030")  # the programme's target year
    expect(page.locator('tr[data-indicator="birth_reg"]')).to_be_visible()
    choose_language(page, "vi")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        province_names()[HIGH_PROVINCE]["vi"]
    )
    expect(row.locator("td").nth(0)).to_have_text(percent(national + HIGH_GAP))
    shoot(page, "scorecard")

    # A mistyped address gets a clear error page, never a server error.
    for url, status in (("/indicators/?indicator=x'y", 400), ("/indicators/provinces/99/", 404)):
        response = page.goto(url)
        assert response is not None and response.status == status, url
        expect(page.get_by_role("heading", level=1)).to_be_visible()
