"""The public open-data pages (no sign-in) and a manager's case management dashboard."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from baove.cases import actions as case_actions

from ..conftest import (
    COMMUNE_A2,
    COMMUNE_B1,
    PROVINCE_A,
    PROVINCE_B,
    World,
    case_data,
    child_data,
)
from .conftest import NATIONAL, download, percent, shoot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_open_data_without_signing_in(
    page: Page, live_world: World, published: dict[str, int]
) -> None:
    # Twenty children reported in Hà Nội six weeks ago: inside the last complete month that
    # public tables cover, and enough for a published (rounded) count.
    reported = timezone.now() - dt.timedelta(days=45)
    for i in range(20):
        case_actions.open_case(
            acting_user=live_world.officer_a2,
            child_data=child_data(COMMUNE_A2, given_name=f"Mai {i}"),
            case_data=case_data(reported_at=reported),
        )
    page.goto("/open/")
    expect(page).to_have_url(re.compile(r"/open/$"))  # no detour by the sign-in page
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
    main = page.locator("main")
    # The national values of the published indicators, with the MICS display rules.
    expect(main).to_contain_text(percent(NATIONAL["stunting", "SCW-2021"]))
    expect(main).to_contain_text(percent(NATIONAL["birth_reg", "SCW-2021"]))
    # Aggregates only: no child's name is on the public page.
    expect(main).not_to_contain_text("Nguyễn Thị Hương")
    shoot(page, "open-data")

    tables = main.locator("ul.plain h3 a")
    expect(tables.first).to_be_visible()
    tables.first.click()
    expect(page).to_have_url(re.compile(r"/open/[a-z0-9-]+/$"))
    table = page.locator("main table.stats")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).not_to_have_count(0)
    got, body = download(page, page.locator("main a.button[download]").click)
    assert got.suggested_filename.endswith(".csv")
    text = body.decode("utf-8-sig")
    rows = {r["province"]: r for r in csv.DictReader(io.StringIO(text))}
    assert len(set(rows) - {"total"}) == 34 and "Mai 1" not in text  # counts, never names
    hanoi = rows[PROVINCE_A]
    assert hanoi["suppressed"] == "0" and int(hanoi["value"]) % 5 == 0 and int(hanoi["value"])
    # Provinces with fewer cases than the threshold leave no number behind.
    assert rows[PROVINCE_B]["suppressed"] == "1" and rows[PROVINCE_B]["value"] == ""
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)


def test_manager_dashboard_counts_own_province_only(page: Page, live_world: World) -> None:
    for given in ("An", "Bình", "Chi", "Dung", "Giang"):
        case_actions.open_case(
            acting_user=live_world.officer_a2,
            child_data=child_data(COMMUNE_A2, given_name=given),
            case_data=case_data(risk_level="medium"),
        )
    case_actions.open_case(  # another province: not the manager's business
        acting_user=live_world.officer_b1,
        child_data=child_data(COMMUNE_B1),
        case_data=case_data(),
    )
    sign_in(page, "manager_a")
    page.goto("/monitoring/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    facts = page.locator("#h-key ~ dl.facts dd")
    expect(facts.first).to_have_text("7")  # two cases of the world + five new, all in Hà Nội
    crosstab = page.locator("#h-stage ~ div table tbody tr").last
    expect(crosstab.locator("td").last).to_have_text("7")
    workers = page.locator("#h-caseload ~ table tbody")
    expect(workers).to_contain_text(live_world.officer_a2.display_name())
    expect(workers).not_to_contain_text(live_world.officer_b1.display_name())
    shoot(page, "monitoring")

    # A commune officer has no dashboard of the province.
    page.get_by_role("button", name="Đăng xuất").click()
    sign_in(page, "officer_a1")
    response = page.goto("/monitoring/")
    assert response is not None and response.status == 403
