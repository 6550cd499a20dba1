"""National and provincial PDF reports (reportlab; charts by :mod:`baove.reports.charts`).

Each report has a cover, a summary of key figures (with progress towards the National Action
Programme targets where one exists, :func:`baove.indicators.classify_progress`), charts,
tables with the MICS display rules (``(12.3)``, ``(*)``, ``-``), methods and data sources.
Numbers come from the same results frame, and are formatted by the same function
(:func:`baove.reports.frame.display`), as the workbook and the web pages.

Text is set in DejaVu Sans, the TTF files that ship inside matplotlib, so Vietnamese
diacritics render without any system font.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import matplotlib
import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from baove.indicators import load_targets
from baove.indicators.tables import _BLOCK_HEADINGS, BLOCK_ORDER, _domain_label, _province_names
from baove.indicators.targets import Progress, Target, classify_progress
from baove.reports import charts
from baove.reports.excel import choose_round
from baove.reports.frame import (
    Lang,
    check_frame,
    display,
    indicator_def,
    indicator_name,
    ordered_indicators,
    rounds_of,
    scale,
)
from baove.reports.texts import STATUS, t

__all__ = ["national_report", "progress_of", "province_report"]

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
#: Disaggregations drawn as bars in the national report (the rest are in the tables).
BAR_BLOCKS = ("sex", "area", "wealth", "region")


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD)


class _Styles:
    def __init__(self) -> None:
        _register_fonts()
        self.title = ParagraphStyle("title", fontName=FONT_BOLD, fontSize=22, leading=28)
        self.subtitle = ParagraphStyle("subtitle", fontName=FONT, fontSize=13, leading=18)
        self.h1 = ParagraphStyle("h1", fontName=FONT_BOLD, fontSize=15, leading=20, spaceAfter=6)
        self.h2 = ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=11, leading=14, spaceAfter=4)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4)
        self.cell = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9)
        self.head = ParagraphStyle("head", fontName=FONT_BOLD, fontSize=7.5, leading=9)


def _table(rows: Sequence[Sequence[Any]], widths: Sequence[float], st: _Styles) -> Table:
    cells = [
        [Paragraph(str(c), st.head if i == 0 else st.cell) for c in row]
        for i, row in enumerate(rows)
    ]
    table = Table(cells, colWidths=list(widths), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _num(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _ci(rec: Any, indicator: str) -> str:
    """The 95% interval as text, only where the figure itself is shown."""
    if str(rec["flag"]) in ("*", "-"):
        return ""
    low, high = _num(rec["ci_low"]), _num(rec["ci_high"])
    if math.isnan(low) or math.isnan(high):
        return ""
    k = scale(indicator)
    digits = 1 if k == 100.0 else 2
    return f"{low * k:.{digits}f} - {high * k:.{digits}f}"


def _shown(rec: Any, indicator: str) -> float:
    """The value a chart draws: NaN for suppressed figures (the chart leaves them out)."""
    if str(rec["flag"]) in ("*", "-"):
        return math.nan
    return _num(rec["estimate"]) * scale(indicator)


def progress_of(
    data: pd.DataFrame, indicator: str, targets: dict[str, Target], *, domain: str = "Total"
) -> Progress | None:
    """Classify progress of the national (or a province's) survey series to the NAP target.

    Figures that MICS suppresses (fewer than 25 cases) are not used.

    Returns:
        The :class:`~baove.indicators.targets.Progress`, or None without a target.
    """
    target = targets.get(indicator)
    if target is None:
        return None
    by = "total" if domain == "Total" else "province"
    rows = data[
        (data["indicator"] == indicator)
        & (data["by"] == by)
        & (data["domain"] == domain)
        & (data["source"] == "survey")
        & ~data["flag"].isin(["*", "-"])
    ]
    factor = 100.0 if target.unit == "PCNT" else 1.0
    per_year: dict[int, float] = {}
    for year, value in zip(rows["year"], rows["estimate"], strict=True):
        if not pd.isna(value):
            per_year[int(year)] = float(value) * factor  # later rounds of a year win
    return classify_progress(indicator, sorted(per_year.items()), target)


def _target_text(progress: Progress | None) -> str:
    if progress is None:
        return ""
    target = progress.target
    return f"{target.target_value:g} ({target.target_year})"


def _status_text(progress: Progress | None, lang: Lang) -> str:
    return STATUS["no_target" if progress is None else progress.status][lang]


class _Report:
    """Shared pieces of both reports."""

    def __init__(self, frame: pd.DataFrame, lang: Lang, round_id: str | None) -> None:
        if lang not in ("vi", "en"):
            raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
        self.lang: Lang = lang
        self.data = check_frame(frame)
        if self.data.empty:
            raise ValueError("no results")
        self.round = choose_round(self.data, round_id)
        self.current = self.data[self.data["round"] == self.round]
        self.indicators = ordered_indicators(self.current)
        self.st = _Styles()
        self.provinces = _province_names()
        self.targets = load_targets()
        self.trend_rounds = rounds_of(self.data, "survey") or rounds_of(self.data)
        self.totals = {
            (r["indicator"], r["round"]): r
            for r in self.data[self.data["by"] == "total"].to_dict("records")
        }

    def cover(self, title: str, place: str, when: dt.date) -> list[Any]:
        lang, st = self.lang, self.st
        rounds = ", ".join(r for r, _, _ in rounds_of(self.data))
        return [
            Spacer(1, 5 * cm),
            Paragraph(title, st.title),
            Spacer(1, 0.6 * cm),
            Paragraph(place, st.subtitle),
            Spacer(1, 1.2 * cm),
            Paragraph(f"{t('latest_round', lang)}: {self.round}", st.body),
            Paragraph(f"{t('rounds_covered', lang)}: {rounds}", st.body),
            Paragraph(f"{t('generated', lang)}: {when.isoformat()}", st.body),
            PageBreak(),
        ]

    def methods_and_sources(self) -> list[Any]:
        lang, st = self.lang, self.st
        flow: list[Any] = [Paragraph(t("methods", lang), st.h1)]
        for key in ("methods_text", "rules_text", "progress_text"):
            flow.append(Paragraph(t(key, lang), st.body))
        flow.append(Spacer(1, 0.4 * cm))
        flow.append(Paragraph(t("sources", lang), st.h1))
        rows: list[list[Any]] = [
            [t("round", lang), t("year", lang), t("source", lang), t("n_indicators", lang)]
        ]
        for rnd, year, source in rounds_of(self.data):
            n = self.data.loc[self.data["round"] == rnd, "indicator"].nunique()
            label = t(source, lang) if source in ("survey", "government", "ngo") else source
            rows.append([rnd, year, label, n])
        flow.append(_table(rows, [4 * cm, 2 * cm, 5 * cm, 3 * cm], st))
        return flow

    def trend(self, indicator: str, *, domain: str = "Total") -> list[charts.Point]:
        points = []
        for rnd, _, _ in self.trend_rounds:
            if domain == "Total":
                rec = self.totals.get((indicator, rnd))
            else:
                rec = self.province_cells.get((indicator, rnd, domain))
            if rec is None:
                continue
            k = scale(indicator)
            points.append(
                charts.Point(
                    rnd,
                    _shown(rec, indicator),
                    _num(rec["ci_low"]) * k,
                    _num(rec["ci_high"]) * k,
                    display(rec["estimate"], rec["flag"], indicator),
                )
            )
        return points

    @property
    def province_cells(self) -> dict[tuple[str, str, str], Any]:
        if not hasattr(self, "_province_cells"):
            sub = self.data[self.data["by"] == "province"]
            self._province_cells = {
                (r["indicator"], r["round"], r["domain"]): r for r in sub.to_dict("records")
            }
        return self._province_cells

    def build(self, out: Path | str | IO[bytes], flow: list[Any], title: str) -> None:
        font_size = 7

        def footer(canvas: Any, doc: Any) -> None:
            canvas.saveState()
            canvas.setFont(FONT, font_size)
            canvas.drawString(2 * cm, 1.2 * cm, title)
            canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"{t('page', self.lang)} {doc.page}")
            canvas.restoreState()

        target: Any = str(out) if isinstance(out, Path | str) else out
        doc = SimpleDocTemplate(
            target,
            pagesize=A4,
            leftMargin=2 * cm,
            rightMargin=2 * cm,
            topMargin=1.8 * cm,
            bottomMargin=2 * cm,
            title=title,
            author="baove",
            # Same input, same bytes: the output can be compared and cached.
            invariant=1,
        )
        doc.build(flow, onFirstPage=footer, onLaterPages=footer)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def national_report(
    frame: pd.DataFrame,
    *,
    lang: Lang = "vi",
    out: Path | str | IO[bytes],
    round_id: str | None = None,
    when: dt.date | None = None,
) -> None:
    """Write the national PDF report.

    Args:
        frame: Results frame (``results_frame`` columns).
        lang: ``"vi"`` or ``"en"``.
        out: Output file or binary stream.
        round_id: The round the summary and tables show (default: latest survey round).
        when: Date printed on the cover (default: today, UTC).

    Raises:
        ValueError: Unknown language or round, no results, or a missing column.
    """
    rep = _Report(frame, lang, round_id)
    st = rep.st
    title = t("national_title", lang)
    flow = rep.cover(title, t("country", lang), when or _today())
    # Summary: key figures with progress.
    flow.append(Paragraph(t("summary", lang), st.h1))
    flow.append(Paragraph(f"{t('key_figures', lang)} ({rep.round})", st.h2))
    rows: list[list[Any]] = [
        [
            t("indicator", lang), t("sdg", lang), t("value", lang), t("ci", lang),
            t("target", lang), t("status", lang),
        ]
    ]  # fmt: skip
    for ind in rep.indicators:
        rec = rep.totals.get((ind, rep.round))
        if rec is None:
            continue
        found = indicator_def(ind)
        progress = progress_of(rep.data, ind, rep.targets)
        rows.append(
            [
                indicator_name(ind, lang), (found.sdg if found else "") or "",
                display(rec["estimate"], rec["flag"], ind), _ci(rec, ind),
                _target_text(progress), _status_text(progress, lang),
            ]
        )  # fmt: skip
    widths = [6.2 * cm, 1.4 * cm, 1.6 * cm, 2.6 * cm, 2.0 * cm, 3.2 * cm]
    flow.append(_table(rows, widths, st))
    flow.append(Paragraph(t("rules_text", lang), st.body))
    flow.append(PageBreak())
    # Charts: one page per indicator.
    flow.append(Paragraph(t("charts", lang), st.h1))
    for ind in rep.indicators:
        flow.extend(_national_charts(rep, ind))
    # Tables: the chosen round's disaggregations.
    flow.append(PageBreak())
    flow.append(Paragraph(t("tables", lang), st.h1))
    for ind in rep.indicators:
        flow.extend(_national_table(rep, ind))
    flow.append(PageBreak())
    flow.extend(rep.methods_and_sources())
    rep.build(out, flow, title)


def _bar(rep: _Report, rec: Any, group: str, label: str, indicator: str) -> charts.Bar:
    return charts.Bar(
        group, label, _shown(rec, indicator), display(rec["estimate"], rec["flag"], indicator)
    )


def _national_charts(rep: _Report, ind: str) -> list[Any]:
    lang = rep.lang
    sub = rep.current[rep.current["indicator"] == ind]
    bars = []
    for by in BAR_BLOCKS:
        heading = _BLOCK_HEADINGS[by][lang]
        for rec in sub[sub["by"] == by].to_dict("records"):
            label = _domain_label(by, str(rec["domain"]), lang, rep.provinces)
            bars.append(_bar(rep, rec, heading, label, ind))
    provinces = sub[sub["by"] == "province"].to_dict("records")
    ranking = [
        _bar(rep, rec, "", rep.provinces.get(rec["domain"], {}).get(lang, rec["domain"]), ind)
        for rec in provinces
    ]
    ranking.sort(key=lambda b: (math.isnan(b.value), -b.value if not math.isnan(b.value) else 0))
    png = charts.indicator_figure(
        trend=rep.trend(ind),
        bars=bars,
        ranking=ranking,
        titles=(t("trend", lang), t("by_group", lang), t("provinces_ranking", lang)),
        ylabel=t("percent", lang) if scale(ind) == 100.0 else t("value", lang),
    )
    width = 17 * cm
    height = width * (3.0 + 0.13 * len(ranking) if ranking else 3.0) / 7.2
    return [
        Paragraph(indicator_name(ind, lang), rep.st.h2),
        Image(io.BytesIO(png), width=width, height=min(height, 23 * cm)),
        Paragraph(t("suppressed_note", lang), rep.st.body),
        PageBreak(),
    ]


def _national_table(rep: _Report, ind: str) -> list[Any]:
    lang = rep.lang
    sub = rep.current[rep.current["indicator"] == ind]
    rows: list[list[Any]] = [["", t("value", lang), t("ci", lang), "n"]]
    cells = {(r["by"], r["domain"]): r for r in sub.to_dict("records")}
    total = cells.get(("total", "Total"))
    if total is not None:
        rows.append(
            [t("total", lang), display(total["estimate"], total["flag"], ind), _ci(total, ind),
             int(total["n_unweighted"])]
        )  # fmt: skip
    present = list(dict.fromkeys(str(b) for b in sub["by"]))
    blocks = [b for b in BLOCK_ORDER if b in present] + [
        b for b in present if b not in BLOCK_ORDER and b != "total"
    ]
    for by in blocks:
        rows.append([f"<b>{_BLOCK_HEADINGS.get(by, {'vi': by, 'en': by})[lang]}</b>", "", "", ""])
        domains = sorted(d for (b, d) in cells if b == by)
        for dom in domains:
            rec = cells[(by, dom)]
            rows.append(
                [
                    "&nbsp;&nbsp;" + _domain_label(by, dom, lang, rep.provinces),
                    display(rec["estimate"], rec["flag"], ind), _ci(rec, ind),
                    int(rec["n_unweighted"]),
                ]
            )  # fmt: skip
    return [
        Paragraph(f"{indicator_name(ind, lang)} ({rep.round})", rep.st.h2),
        _table(rows, [8 * cm, 2.5 * cm, 3.5 * cm, 2 * cm], rep.st),
        Spacer(1, 0.5 * cm),
    ]


def province_report(
    frame: pd.DataFrame,
    province_code: str,
    *,
    lang: Lang = "vi",
    out: Path | str | IO[bytes],
    round_id: str | None = None,
    when: dt.date | None = None,
) -> None:
    """Write one province's PDF report: its figures against the national ones.

    Args:
        frame: Results frame (``results_frame`` columns).
        province_code: GSO province code (``"01"``).
        lang: ``"vi"`` or ``"en"``.
        out: Output file or binary stream.
        round_id: The round the summary shows (default: latest survey round).
        when: Date printed on the cover (default: today, UTC).

    Raises:
        ValueError: Unknown province (no figures for it), language or round.
    """
    rep = _Report(frame, lang, round_id)
    st = rep.st
    mine = rep.data[(rep.data["by"] == "province") & (rep.data["domain"] == province_code)]
    if mine.empty:
        raise ValueError(f"no results for province {province_code!r}")
    name = rep.provinces.get(province_code, {}).get(lang, province_code)
    title = f"{t('province_title', lang)}: {name}"
    flow = rep.cover(t("province_title", lang), name, when or _today())
    flow.append(Paragraph(t("summary", lang), st.h1))
    flow.append(Paragraph(f"{t('key_figures', lang)} ({rep.round})", st.h2))
    rows: list[list[Any]] = [
        [
            t("indicator", lang), name, t("ci", lang), t("national", lang), t("rank", lang),
            t("status", lang),
        ]
    ]  # fmt: skip
    current = rep.current[rep.current["by"] == "province"]
    inds = [i for i in rep.indicators if i in set(mine["indicator"])]
    for ind in inds:
        rec = rep.province_cells.get((ind, rep.round, province_code))
        nat = rep.totals.get((ind, rep.round))
        if rec is None:
            continue
        shown = current[(current["indicator"] == ind) & ~current["flag"].isin(["*", "-"])]
        ranked = [str(d) for d in shown.sort_values("estimate", ascending=False)["domain"]]
        rank = f"{ranked.index(province_code) + 1}/{len(ranked)}" if province_code in ranked else ""
        progress = progress_of(rep.data, ind, rep.targets, domain=province_code)
        rows.append(
            [
                indicator_name(ind, lang), display(rec["estimate"], rec["flag"], ind),
                _ci(rec, ind), display(nat["estimate"], nat["flag"], ind) if nat else "",
                rank, _status_text(progress, lang),
            ]
        )  # fmt: skip
    widths = [6.0 * cm, 1.8 * cm, 2.6 * cm, 1.8 * cm, 1.6 * cm, 3.2 * cm]
    flow.append(_table(rows, widths, st))
    flow.append(Paragraph(t("rules_text", lang), st.body))
    flow.append(PageBreak())
    flow.append(Paragraph(t("charts", lang), st.h1))
    per_page = 8
    for start in range(0, len(inds), per_page):
        panels = [
            (indicator_name(i, lang), rep.trend(i, domain=province_code), rep.trend(i))
            for i in inds[start : start + per_page]
        ]
        png = charts.province_trends(
            panels, labels=(name, t("national", lang)), ylabel=t("percent", lang)
        )
        height = 17 * cm * (2.5 * math.ceil(len(panels) / 2)) / 7.2
        flow.append(Image(io.BytesIO(png), width=17 * cm, height=height))
        flow.append(PageBreak())
    flow.append(Paragraph(t("tables", lang), st.h1))
    rounds = [r for r, _, _ in rep.trend_rounds]
    rows = [[t("indicator", lang), *rounds]]
    for ind in inds:
        row = [indicator_name(ind, lang)]
        for rnd in rounds:
            rec = rep.province_cells.get((ind, rnd, province_code))
            row.append(display(rec["estimate"], rec["flag"], ind) if rec is not None else "")
        rows.append(row)
    first = 5.0 * cm
    rest = (17 * cm - first) / max(1, len(rounds))
    flow.append(_table(rows, [first, *([rest] * len(rounds))], st))
    flow.append(Paragraph(t("rules_text", lang), st.body))
    flow.append(PageBreak())
    flow.extend(rep.methods_and_sources())
    rep.build(out, flow, title)


def report_bytes(
    frame: pd.DataFrame,
    *,
    province_code: str | None = None,
    lang: Lang = "vi",
    round_id: str | None = None,
) -> bytes:
    """Return the national (or a province's) report as PDF bytes (downloads)."""
    buffer = io.BytesIO()
    if province_code is None:
        national_report(frame, lang=lang, out=buffer, round_id=round_id)
    else:
        province_report(frame, province_code, lang=lang, out=buffer, round_id=round_id)
    return buffer.getvalue()
