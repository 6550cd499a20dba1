"""Downloads through the browser: the files a person saves, opened and checked."""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import PurePath
from typing import Any

import openpyxl
import pytest
import sdmx
from playwright.sync_api import Download, Page, expect

from baove.audit.models import AuditEvent
from baove.cases import actions as case_actions
from baove.cases.reads import EXPORT_COLUMNS
from baove.dashboards.pages import province_names
from baove.reports.sdmx_export import DIMENSIONS

from ..conftest import COMMUNE_A1, World, case_data, child_data
from .conftest import (
    NATIONAL,
    SUPPRESSED_PROVINCE,
    choose_language,
    download,
    percent,
    sign_in,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_list_csv_is_scoped_audited_and_formula_safe(page: Page, live_world: World) -> None:
    risky = case_actions.open_case(
        acting_user=live_world.officer_a1,
        child_data=child_data(COMMUNE_A1, family_name="=HYPERLINK(1)", given_name="+Lan"),
        case_data=case_data(),
    )
    sign_in(page, "manager_a")
    link = page.get_by_role("link", name="Xuất các trường hợp đang mở (CSV)")
    got, body = download(page, link.click)

    assert re.fullmatch(r"baove-cases-\d{8}\.csv", got.suggested_filename)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need for UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == EXPORT_COLUMNS
    by_ref = {row[0]: dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    # Province A's manager gets province A's cases only.
    assert set(by_ref) == {
        live_world.case_a1.reference,
        live_world.case_a2.reference,
        risky.reference,
    }
    assert by_ref[live_world.case_a2.reference]["child_name"] == "Trần Thị Lan"
    # A name that a spreadsheet would run as a formula is written as text.
    assert by_ref[risky.reference]["child_name"].startswith("'=HYPERLINK(1)")
    expect(page.get_by_role("heading", level=1)).to_be_visible()  # still on the caseload

    excel = page.locator('main a[href$="/reports/cases.xlsx"]')  # next to the CSV button
    got, body = download(page, excel.click)
    wrong = misnamed(got, ".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == EXPORT_COLUMNS
    # Every cell is text: nothing the spreadsheet program would run.
    assert all(c.data_type == "s" for c in cells if c.value is not None)
    names = {c.value for c in cells if c.column == EXPORT_COLUMNS.index("child_name") + 1}
    assert any(str(n).startswith("'=HYPERLINK(1)") for n in names)
    assert live_world.case_b1.child.full_name not in names
    exports = AuditEvent.objects.filter(actor=live_world.manager_a, action="case.export")
    assert exports.count() == 2  # the CSV and the workbook
    known_misnaming(wrong)


STUNTING = "NT_ANT_HAZ_NE2"  # the UNICEF data warehouse code of stunting


def misnamed(got: Download, extension: str) -> list[str]:
    """[name] when the browser would save the file without its extension, else []."""
    name = got.suggested_filename
    assert name.startswith("baove-") and extension in name, name
    return [] if PurePath(name).suffix == extension else [name]


def known_misnaming(names: list[str]) -> None:
    """Fail when a download would be saved without its extension (``baove-x.pdf-<date>``)."""
    assert not names, f"downloads saved without their extension: {names}"


def pdf_pages(body: bytes) -> tuple[int, str]:
    """Number of pages and text of a PDF (pypdf when installed, else the page objects)."""
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    try:
        from pypdf import PdfReader
    except ImportError:  # the count alone still proves the report has pages
        return len(re.findall(rb"/Type\s*/Page\b", body)), ""
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


def national_key(obs: Any) -> bool:
    """An observation of stunting for all of Viet Nam, no breakdown, in 2021."""
    key = {d: str(obs.key[d].value) for d in [*DIMENSIONS, "TIME_PERIOD"]}
    rest = {d: v for d, v in key.items() if d not in ("REF_AREA", "INDICATOR", "TIME_PERIOD")}
    return (
        key["INDICATOR"] == STUNTING and key["REF_AREA"] == "VN"
        and key["TIME_PERIOD"] == "2021" and set(rest.values()) == {"_T"}
    )  # fmt: skip


def test_indicator_downloads_open_and_agree(page: Page, published: dict[str, int]) -> None:
    national = NATIONAL["stunting", "SCW-2021"]
    sign_in(page, "analyst")
    choose_language(page, "en")
    page.locator('nav a[href="/indicators/"]').click()  # the menu's indicator explorer
    links = page.get_by_role("navigation", name="Downloads")

    got, body = download(page, links.get_by_role("link", name="SDMX-ML").click)
    wrong = misnamed(got, ".xml")
    message: Any = sdmx.read_sdmx(io.BytesIO(body))
    observations = list(message.data[0].obs)
    found = [o for o in observations if national_key(o)]
    assert len(found) == 1 and float(found[0].value) == pytest.approx(national * 100)
    hidden = [
        o for o in observations
        if str(o.key["REF_AREA"].value) == f"VN_{SUPPRESSED_PROVINCE}"
        and str(o.key["INDICATOR"].value) == STUNTING
    ]  # fmt: skip
    assert hidden, "the suppressed province is reported, without its value"
    assert all(o.value in (None, "") or math.isnan(float(o.value)) for o in hidden)

    got, body = download(page, links.get_by_role("link", name="SDMX-CSV").click)
    wrong += misnamed(got, ".csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert {"STRUCTURE", "REF_AREA", "INDICATOR", "TIME_PERIOD", "OBS_VALUE"} <= set(rows[0])
    totals = [
        r for r in rows
        if r["INDICATOR"] == STUNTING and r["REF_AREA"] == "VN" and r["TIME_PERIOD"] == "2021"
        and all(r[d] == "_T" for d in DIMENSIONS[2:])
    ]  # fmt: skip
    assert len(totals) == 1 and float(totals[0]["OBS_VALUE"]) == pytest.approx(national * 100)

    excel = links.get_by_role("link", name="MICS-style tables (Excel)")
    got, body = download(page, excel.click)
    wrong += misnamed(got, ".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert "TC.45-47" in book.sheetnames  # one sheet per MICS table, stunting's among them
    cells = [c for row in book["TC.45-47"].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, float) and f"{c:.1f}" == percent(national) for c in cells), (
        "the national value is in the stunting table"
    )

    got, body = download(page, links.get_by_role("link", name="National report (PDF)").click)
    wrong += misnamed(got, ".pdf")
    pages, text = pdf_pages(body)
    assert pages >= 2  # cover, summary, tables...
    assert not text or percent(national) in text

    page.get_by_role("link", name="Province scorecards").click()
    page.get_by_role("link", name=province_names()[SUPPRESSED_PROVINCE]["en"]).click()
    got, body = download(page, page.get_by_role("link", name="Province report (PDF)").click)
    wrong += misnamed(got, ".pdf")
    pages, _text = pdf_pages(body)
    assert pages >= 1
    # Aggregates only: each download is audited as a report, naming no child.
    events = AuditEvent.objects.filter(action="report.export", actor__username="analyst")
    assert events.count() == 5
    known_misnaming(wrong)
