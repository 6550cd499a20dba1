"""Report downloads: SDMX, workbook and PDF from published results; the case-list workbook."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
import pytest
import sdmx
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from baove.audit.models import AuditEvent
from baove.cases import actions as case_actions
from baove.dashboards.actions import publish_results
from baove.reports import display, sample_frame
from baove.reports.sdmx_export import DIMENSIONS

from .conftest import World, case_data, child_data

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","Bấm vào đây")'


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return sample_frame(2, indicators=["birth_reg", "dtp3"])


@pytest.fixture
def published(world: World, sample: pd.DataFrame) -> pd.DataFrame:
    for rnd in sorted(set(sample["round"])):
        part = sample[sample["round"] == rnd]
        year = int(part["year"].iloc[0])
        publish_results(part, source="survey", round=str(rnd), year=year, acting_user=None)
    return sample


def _get(client: Client, user: Any, name: str, **kw: Any) -> Any:
    client.force_login(user)
    query = kw.pop("query", {})
    return client.get(reverse(f"reports:{name}", kwargs=kw or None), query)


def test_sdmx_downloads_read_back(client: Client, world: World, published: pd.DataFrame) -> None:
    xml = _get(client, world.analyst, "sdmx_xml")
    assert xml.status_code == 200 and xml["Content-Disposition"].startswith("attachment")
    assert b"GenericData" in xml.content[:400]  # self-describing: no structure needed
    message = sdmx.read_sdmx(io.BytesIO(xml.content))
    obs = list(message.data[0].obs)  # type: ignore[attr-defined]
    total = published[(published["by"] == "total") & (published["indicator"] == "birth_reg")]
    rec = total[total["round"] == "MICS-2008"].iloc[0]
    found = [
        o for o in obs
        if o.key["INDICATOR"].value == "PT_CHLD_Y0T4_REG" and o.key["TIME_PERIOD"].value == "2008"
        and all(o.key[d].value == "_T" for d in DIMENSIONS[2:])
        and o.key["REF_AREA"].value == "VN"
    ]  # fmt: skip
    assert len(found) == 1 and float(found[0].value) == rec["estimate"] * 100
    csv_ = _get(client, world.analyst, "sdmx_csv")
    assert csv_.status_code == 200 and b"PT_CHLD_Y0T4_REG" in csv_.content
    structure = _get(client, world.analyst, "sdmx_structure")
    assert b"CL_REF_AREA" in structure.content
    events = AuditEvent.objects.filter(action="report.export")
    assert events.count() == 3
    assert all(e.child_id is None and e.case_id is None for e in events)


def test_workbook_and_reports(client: Client, world: World, published: pd.DataFrame) -> None:
    xlsx = _get(
        client, world.analyst, "indicators_xlsx", query={"lang": "en", "round": "MICS-2006"}
    )
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    rec = published[(published["round"] == "MICS-2006") & (published["by"] == "total")
                    & (published["indicator"] == "birth_reg")].iloc[0]  # fmt: skip
    assert book["PR.1"]["B4"].value == pytest.approx(rec["estimate"] * 100)

    pdf = _get(client, world.analyst, "national_pdf", query={"lang": "vi"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    latest = published[(published["round"] == "MICS-2008") & (published["by"] == "total")]
    for r in latest.to_dict("records"):
        assert display(r["estimate"], r["flag"], r["indicator"]) in text

    province = _get(client, world.analyst, "province_pdf", code="01", query={"lang": "en"})
    assert province.status_code == 200
    assert "Ha Noi" in PdfReader(io.BytesIO(province.content)).pages[0].extract_text()


@pytest.mark.parametrize(
    ("name", "kw", "query", "status"),
    [
        ("national_pdf", {}, {"lang": "fr"}, 400),
        ("national_pdf", {}, {"round": "MICS-1990"}, 404),
        ("province_pdf", {"code": "99"}, {}, 404),
        ("province_pdf", {"code": "x'; --"}, {}, 404),
        ("indicators_xlsx", {}, {"round": "<script>"}, 404),
    ],
)
def test_bad_parameters_are_4xx(
    client: Client, world: World, published: pd.DataFrame, name: str, kw: dict[str, str],
    query: dict[str, str], status: int,
) -> None:  # fmt: skip
    response = _get(client, world.analyst, name, query=query, **kw)
    assert response.status_code == status
    assert not AuditEvent.objects.filter(action="report.export").exists()


def test_nothing_published_is_404(client: Client, world: World) -> None:
    assert _get(client, world.analyst, "sdmx_csv").status_code == 404


def test_indicator_downloads_need_permission(
    client: Client, world: World, published: pd.DataFrame
) -> None:
    assert _get(client, world.auditor, "sdmx_xml").status_code == 403
    client.logout()
    response = client.get(reverse("reports:national_pdf"))
    assert response.status_code == 302  # to the sign-in page


def test_case_list_workbook_is_scoped_audited_and_neutralised(client: Client, world: World) -> None:
    case = case_actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data("00004", given_name=FORMULA, family_name="+1", middle_name="@x"),
        case_data=case_data(),
    )
    response = _get(client, world.manager_a, "cases_xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header, body = rows[0], rows[1:]
    assert header[0] == "reference"
    refs = {r[0] for r in body}
    assert case.reference in refs and world.case_a1.reference in refs
    assert world.case_b1.reference not in refs  # province B is out of scope
    name = next(r[header.index("child_name")] for r in body if r[0] == case.reference)
    assert name.startswith("'+1") and FORMULA in name  # text, starting with a quote
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type == "s" for c in cells if c.value is not None)  # no formula cell
    event = AuditEvent.objects.get(action="case.export")
    assert event.details["format"] == "xlsx"
    assert sorted(event.details["results"]) == sorted([world.case_a1.pk, world.case_a2.pk, case.pk])


def test_case_list_workbook_needs_permission(client: Client, world: World) -> None:
    assert _get(client, world.analyst, "cases_xlsx").status_code == 403
    assert not AuditEvent.objects.filter(action="case.export").exists()
