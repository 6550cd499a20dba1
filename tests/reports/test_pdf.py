"""National and provincial PDF reports: the figures in the text are the frame's."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from baove.reports import display, national_report, province_report, report_bytes
from baove.reports.frame import indicator_name
from baove.reports.texts import STATUS, TEXT


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def national_vi(frame: pd.DataFrame) -> str:
    return _text(report_bytes(frame, lang="vi"))


def test_national_summary_has_every_latest_figure(frame: pd.DataFrame, national_vi: str) -> None:
    totals = frame[(frame["round"] == "MICS-2010") & (frame["by"] == "total")]
    assert len(totals) == 7
    summary = national_vi.split("Biểu đồ")[0]
    for rec in totals.to_dict("records"):
        assert display(rec["estimate"], rec["flag"], rec["indicator"]) in summary
        ci = f"{rec['ci_low'] * 100:.1f} - {rec['ci_high'] * 100:.1f}"
        assert ci in summary
    for part in ("Báo cáo quốc gia", "Phương pháp", "Nguồn số liệu", "MICS-2006", "(*)"):
        assert part in national_vi  # cover, methods, sources, small-sample rules
    # cl_sdg and stunting have National Action Programme targets: a status is shown.
    assert "4.5 (2030)" in summary and "15 (2030)" in summary
    assert any(s["vi"] in summary for k, s in STATUS.items() if k != "no_target")


def test_national_tables_follow_mics_rules(frame: pd.DataFrame, national_vi: str) -> None:
    tables = national_vi.split("Bảng số liệu")[-1]
    sub = frame[(frame["round"] == "MICS-2010") & (frame["indicator"] == "vd_any")]
    for rec in sub[sub["by"].isin(["sex", "wealth", "province"])].to_dict("records"):
        assert display(rec["estimate"], rec["flag"], "vd_any") in tables
    assert "Đồng bằng sông Hồng" in tables  # Vietnamese diacritics survive


def test_province_report_english(frame: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "p.pdf"
    province_report(frame, "79", lang="en", out=path, round_id="MICS-2008")
    text = _text(path.read_bytes())
    assert "Ho Chi Minh City" in text
    assert TEXT["province_title"]["en"] in text
    mine = frame[(frame["by"] == "province") & (frame["domain"] == "79")]
    for rec in mine.to_dict("records"):  # summary and the all-rounds table
        assert display(rec["estimate"], rec["flag"], rec["indicator"]) in text
    assert indicator_name("birth_reg", "en")[:40] in text.replace("\n", " ")


def test_unknown_province_or_language(frame: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="province"):
        province_report(frame, "99", lang="vi", out=tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="lang"):
        national_report(frame, lang="fr", out=tmp_path / "x.pdf")  # type: ignore[arg-type]


def test_same_input_same_bytes(frame: pd.DataFrame) -> None:
    import datetime as dt

    small = frame[frame["indicator"] == "dtp3"]
    when = dt.date(2025, 1, 1)
    first, second = io.BytesIO(), io.BytesIO()
    national_report(small, lang="en", out=first, when=when)
    national_report(small, lang="en", out=second, when=when)
    assert first.getvalue() == second.getvalue() and first.getvalue().startswith(b"%PDF")


def test_texts_are_bilingual() -> None:
    for key, value in {**TEXT, **STATUS}.items():
        assert value["vi"] and value["en"], key
