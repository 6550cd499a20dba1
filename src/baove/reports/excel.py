"""MICS-style Excel workbooks of the published results, one round or several.

One round alone is exactly :func:`baove.indicators.tables.write_results`. With several rounds
(and provinces) :func:`write_workbook` writes, in one workbook:

1. the MICS tables of the chosen round (default: the latest survey round), one sheet per
   MICS table, with the small-sample footnotes, and the sampling errors sheet, all drawn by
   :mod:`baove.indicators.tables` (same layout, same rules);
2. ``Xu hướng`` / ``Trend``: national values of every indicator, one column per round;
3. ``Các tỉnh`` / ``Provinces``: the 34 provinces (rows) by indicator (columns), chosen round;
4. ``Nguồn số liệu`` / ``Sources``: the rounds, their source and year;
5. ``Dữ liệu`` / ``Data``: the long frame itself, unrounded, for analysts.

Cells of figures follow the MICS rules (``(12.3)``, ``(*)``, ``-``) as text, other figures
are numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd
import xlsxwriter

from baove.indicators import tables
from baove.reports.frame import (
    COLUMNS,
    Lang,
    check_frame,
    indicator_name,
    ordered_indicators,
    rounds_of,
)
from baove.reports.texts import t

__all__ = ["choose_round", "round_frame", "workbook_bytes", "write_round", "write_workbook"]


def choose_round(frame: pd.DataFrame, round_id: str | None = None) -> str:
    """Return ``round_id`` if the frame has it, else the latest survey round (else latest).

    Raises:
        ValueError: ``round_id`` is not in the frame, or the frame is empty.
    """
    if round_id is not None:
        if round_id not in set(frame["round"].astype(str)):
            raise ValueError(f"round {round_id!r} is not in the results")
        return round_id
    rounds = rounds_of(frame, "survey") or rounds_of(frame)
    if not rounds:
        raise ValueError("no results")
    return rounds[-1][0]


def round_frame(frame: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Rows of one round, in the columns ``write_results`` reads."""
    sub = frame[frame["round"].astype(str) == round_id]
    return sub.drop(columns=["source", "round", "year"]).reset_index(drop=True)


def write_round(
    frame: pd.DataFrame, path: Path | str, *, round_id: str | None = None, lang: Lang = "vi"
) -> Path:
    """Write one round's MICS tables with :func:`baove.indicators.write_results`.

    Args:
        frame: Results frame.
        path: Output ``.xlsx``.
        round_id: The round (default: latest survey round).
        lang: ``"vi"`` or ``"en"``.

    Returns:
        The path written.
    """
    data = check_frame(frame)
    return tables.write_results(round_frame(data, choose_round(data, round_id)), path, lang=lang)


def write_workbook(
    frame: pd.DataFrame,
    path: Path | str | IO[bytes],
    *,
    round_id: str | None = None,
    lang: Lang = "vi",
) -> Path | IO[bytes]:
    """Write the multi-round workbook (MICS tables of one round, trend, provinces, data).

    Args:
        frame: Results frame (``results_frame`` columns).
        path: Output ``.xlsx`` file, or a binary stream.
        round_id: Round of the MICS tables and provinces sheet (default: latest survey).
        lang: ``"vi"`` or ``"en"``.

    Returns:
        ``path``.

    Raises:
        ValueError: Unknown language or round, or a missing column.
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    data = check_frame(frame)
    chosen = choose_round(data, round_id)
    current = round_frame(data, chosen)
    target: Any = str(path) if isinstance(path, Path | str) else path
    book = xlsxwriter.Workbook(target, {"nan_inf_to_errors": False, "in_memory": True})
    try:
        fmt = tables._Formats(book)
        used: set[str] = set()
        # The MICS tables exactly as write_results draws them (tables.write_xlsx's steps,
        # on our workbook so the other sheets can follow).
        metas = tables._resolve_meta(current, None)
        table_of = {ind: metas[ind].mics_table for ind in metas}
        groups: dict[str | None, list[str]] = {}
        for ind in ordered_indicators(current):
            groups.setdefault(table_of[ind], []).append(ind)
        provinces = tables._province_names()
        for table, inds in groups.items():
            tables._write_table(book, fmt, current, table, inds, metas, lang, provinces, used)
        tables._write_sampling_errors(book, fmt, current, metas, table_of, lang, used)
        _write_trend(book, fmt, data, lang, used)
        _write_provinces(book, fmt, current, chosen, lang, provinces, used)
        _write_sources(book, fmt, data, lang, used)
        _write_data(book, fmt, data, lang, used)
    finally:
        book.close()
    return Path(path) if isinstance(path, str) else path


def workbook_bytes(frame: pd.DataFrame, *, round_id: str | None = None, lang: Lang = "vi") -> bytes:
    """Return :func:`write_workbook`'s workbook as bytes (downloads)."""
    buffer = io.BytesIO()
    write_workbook(frame, buffer, round_id=round_id, lang=lang)
    return buffer.getvalue()


def _footnotes(sheet: Any, fmt: Any, row: int, lang: Lang) -> None:
    for key in ("fn_pct", "fn_paren", "fn_star", "fn_dash"):
        sheet.write_string(row, 0, tables._TEXT[key][lang], fmt.note)
        row += 1


def _figure(sheet: Any, fmt: Any, row: int, col: int, rec: Any, indicator: str) -> None:
    meta = tables._catalogue_meta(indicator)
    tables._write_figure(sheet, fmt, row, col, rec, meta.unit if meta else "PCNT")


def _write_trend(
    book: xlsxwriter.Workbook, fmt: Any, data: pd.DataFrame, lang: Lang, used: set[str]
) -> None:
    sheet = book.add_worksheet(tables._sheet_name(t("trend_sheet", lang), used))
    sheet.write_string(0, 0, t("trend_title", lang), fmt.title)
    rounds = rounds_of(data)
    sheet.write_string(2, 0, t("indicator", lang), fmt.header_left)
    sheet.write_string(2, 1, t("source", lang), fmt.header)
    for j, (rnd, year, _) in enumerate(rounds, start=2):
        sheet.write_string(2, j, f"{rnd} ({year})", fmt.header)
    sheet.set_column(0, 0, 45)
    sheet.set_column(1, 1 + len(rounds), 13)
    sheet.freeze_panes(3, 1)
    totals = data[data["by"] == "total"]
    cells = {(r["indicator"], r["round"]): r for r in totals.to_dict("records")}
    row = 3
    for ind in ordered_indicators(data):
        sheet.write_string(row, 0, indicator_name(ind, lang))
        sources = sorted(set(totals.loc[totals["indicator"] == ind, "source"]))
        sheet.write_string(row, 1, ", ".join(t(s, lang) if s in _SOURCES else s for s in sources))
        for j, (rnd, _, _) in enumerate(rounds, start=2):
            rec = cells.get((ind, rnd))
            if rec is not None:
                _figure(sheet, fmt, row, j, rec, ind)
        row += 1
    _footnotes(sheet, fmt, row + 1, lang)


_SOURCES = ("survey", "government", "ngo")


def _write_provinces(
    book: xlsxwriter.Workbook,
    fmt: Any,
    current: pd.DataFrame,
    chosen: str,
    lang: Lang,
    provinces: Any,
    used: set[str],
) -> None:
    sub = current[current["by"] == "province"]
    if sub.empty:
        return
    sheet = book.add_worksheet(tables._sheet_name(t("provinces_sheet", lang), used))
    sheet.write_string(0, 0, f"{t('provinces_title', lang)}: {chosen}", fmt.title)
    inds = ordered_indicators(sub)
    sheet.write_string(2, 0, t("province", lang), fmt.header_left)
    for j, ind in enumerate(inds, start=1):
        sheet.write_string(2, j, indicator_name(ind, lang), fmt.header)
    sheet.set_row(2, 60)
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, len(inds), 14)
    sheet.freeze_panes(3, 1)
    cells = {(r["indicator"], r["domain"]): r for r in sub.to_dict("records")}
    totals = {r["indicator"]: r for r in current[current["by"] == "total"].to_dict("records")}
    row = 3
    sheet.write_string(row, 0, t("national", lang), fmt.total)
    for j, ind in enumerate(inds, start=1):
        if ind in totals:
            _figure(sheet, fmt, row, j, totals[ind], ind)
    row += 1
    for code in sorted(set(sub["domain"])):
        name = provinces[code][lang] if code in provinces else code
        sheet.write_string(row, 0, name, fmt.label)
        for j, ind in enumerate(inds, start=1):
            rec = cells.get((ind, code))
            if rec is not None:
                _figure(sheet, fmt, row, j, rec, ind)
        row += 1
    _footnotes(sheet, fmt, row + 1, lang)


def _write_sources(
    book: xlsxwriter.Workbook, fmt: Any, data: pd.DataFrame, lang: Lang, used: set[str]
) -> None:
    sheet = book.add_worksheet(tables._sheet_name(t("sources_sheet", lang), used))
    sheet.write_string(0, 0, t("sources", lang), fmt.title)
    headers = (t("round", lang), t("year", lang), t("source", lang), t("n_indicators", lang))
    for j, header in enumerate(headers):
        sheet.write_string(2, j, header, fmt.header)
    sheet.set_column(0, 3, 18)
    for i, (rnd, year, source) in enumerate(rounds_of(data), start=3):
        n = data.loc[data["round"] == rnd, "indicator"].nunique()
        sheet.write_string(i, 0, rnd)
        sheet.write_number(i, 1, year)
        sheet.write_string(i, 2, t(source, lang) if source in _SOURCES else source)
        sheet.write_number(i, 3, n)


def _write_data(
    book: xlsxwriter.Workbook, fmt: Any, data: pd.DataFrame, lang: Lang, used: set[str]
) -> None:
    sheet = book.add_worksheet(tables._sheet_name(t("data_sheet", lang), used))
    columns: Sequence[str] = COLUMNS
    for j, col in enumerate(columns):
        sheet.write_string(0, j, col, fmt.header)
    sheet.freeze_panes(1, 0)
    numeric = {"year", "estimate", "se", "ci_low", "ci_high", "deff", "n_unweighted", "n_weighted"}
    for i, values in enumerate(data[list(columns)].itertuples(index=False), start=1):
        for j, (col, value) in enumerate(zip(columns, values, strict=True)):
            if col in numeric:
                if not pd.isna(value):
                    sheet.write_number(i, j, float(value))
            else:
                sheet.write_string(i, j, str(value))
