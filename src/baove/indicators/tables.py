"""Write indicator results: long Parquet/CSV, or Excel workbooks laid out like MICS tables.

:func:`write_results` chooses the format from the file suffix:

* ``.parquet``: the long result frame as it is;
* ``.csv``: the long frame, UTF-8; the numbers of empty domains (MICS flag ``"-"``) are
  written as ``-``, never ``NaN``;
* ``.xlsx``: one sheet per MICS table (``PR.2`` ...; indicators without one go to ``Khác`` /
  ``Other``): a title row with the table number and name, the indicators of the table as
  columns (percent, one decimal) and the weighted number of the denominator population,
  rows for the total then one block per disaggregation (sex, area, region, age, wealth,
  ethnicity, functional difficulty, mother's education, province last) under a heading row,
  the MICS small-sample rules applied to the cell text (``(12.3)`` for 25-49 unweighted
  cases, ``(*)`` below 25, ``-`` for none) and footnotes explaining them; then a sampling
  errors sheet (r, se, se/r, deff, deft, weighted and unweighted counts, r - 2se, r + 2se)
  for the total rows, as the MICS SE tables. Labels in Vietnamese (default) or English.
"""

from __future__ import annotations

import importlib
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, cast

import numpy as np
import pandas as pd
import xlsxwriter

__all__ = [
    "BLOCK_ORDER",
    "IndicatorMeta",
    "TableMeta",
    "cell_text",
    "write_csv",
    "write_results",
    "write_xlsx",
]

Lang = Literal["vi", "en"]
NUMERIC_COLUMNS = ("estimate", "se", "ci_low", "ci_high", "deff", "n_weighted")


class IndicatorMeta(Protocol):
    """What the writers need to know of an indicator (the catalogue's IndicatorDef fits)."""

    @property
    def name_vi(self) -> str:
        """Vietnamese name."""
        ...

    @property
    def name_en(self) -> str:
        """English name."""
        ...

    @property
    def unit(self) -> str:
        """``"PCNT"`` for percentages (proportions 0-1 internally, shown x100)."""
        ...

    @property
    def mics_table(self) -> str | None:
        """The MICS table the indicator reproduces, e.g. ``"PR.2"``."""
        ...

    @property
    def sdg(self) -> str | None:
        """SDG indicator code, e.g. ``"16.2.1"``."""
        ...


@dataclass(frozen=True)
class TableMeta:
    """A plain :class:`IndicatorMeta` for callers without the catalogue."""

    name_vi: str
    name_en: str
    unit: str = "PCNT"
    mics_table: str | None = None
    sdg: str | None = None


def _l(vi: str, en: str) -> dict[Lang, str]:
    return {"vi": vi, "en": en}


#: Disaggregation blocks in the order MICS-style tables show them; other ``by`` values follow.
BLOCK_ORDER: tuple[str, ...] = (
    "sex",
    "area",
    "region",
    "age_group",
    "wealth",
    "ethnicity",
    "disability",
    "mother_edu",
    "province",
)
_BLOCK_HEADINGS: dict[str, dict[Lang, str]] = {
    "sex": _l("Giới tính", "Sex"),
    "area": _l("Khu vực", "Area"),
    "region": _l("Vùng", "Region"),
    "age_group": _l("Nhóm tuổi", "Age"),
    "wealth": _l("Nhóm mức sống", "Wealth index quintile"),
    "ethnicity": _l("Dân tộc của chủ hộ", "Ethnicity of household head"),
    "disability": _l("Khó khăn về chức năng", "Functional difficulties"),
    "mother_edu": _l("Trình độ học vấn của mẹ", "Mother's education"),
    "province": _l("Tỉnh, thành phố", "Province"),
}
_DOMAIN_LABELS: dict[str, dict[str, dict[Lang, str]]] = {
    "sex": {"M": _l("Nam", "Male"), "F": _l("Nữ", "Female")},
    "area": {"U": _l("Thành thị", "Urban"), "R": _l("Nông thôn", "Rural")},
    "region": {
        "1": _l("Đồng bằng sông Hồng", "Red River Delta"),
        "2": _l("Trung du và miền núi phía Bắc", "Northern Midlands and Mountain Areas"),
        "3": _l("Bắc Trung Bộ và duyên hải miền Trung", "North Central and Central Coastal Areas"),
        "4": _l("Tây Nguyên", "Central Highlands"),
        "5": _l("Đông Nam Bộ", "South East"),
        "6": _l("Đồng bằng sông Cửu Long", "Mekong River Delta"),
    },
    "wealth": {
        "Q1": _l("Nghèo nhất", "Poorest"),
        "Q2": _l("Nghèo", "Second"),
        "Q3": _l("Trung bình", "Middle"),
        "Q4": _l("Giàu", "Fourth"),
        "Q5": _l("Giàu nhất", "Richest"),
    },
    "ethnicity": {"1": _l("Kinh/Hoa", "Kinh/Hoa"), "2": _l("Dân tộc khác", "Other ethnic groups")},
    "disability": {
        "Y": _l("Có khó khăn về chức năng", "Has functional difficulty"),
        "N": _l("Không có khó khăn về chức năng", "Has no functional difficulty"),
    },
    "mother_edu": {
        "0": _l("Chưa đi học/Mầm non", "None/Pre-primary"),
        "1": _l("Tiểu học", "Primary"),
        "2": _l("Trung học cơ sở", "Lower secondary"),
        "3": _l("Trung học phổ thông trở lên", "Upper secondary or higher"),
    },
}
_TABLE_NAMES: dict[str, dict[Lang, str]] = {
    "PR.1": _l("Đăng ký khai sinh", "Birth registration"),
    "PR.2": _l("Hình thức xử phạt trẻ em", "Child discipline"),
    "PR.3": _l("Lao động trẻ em", "Child labour"),
    "PR.4": _l("Tảo hôn", "Child marriage"),
    "SR.13": _l(
        "Kỹ năng công nghệ thông tin và truyền thông",
        "Information and communication technology (ICT) skills",
    ),
    "TC.3": _l("Tiêm chủng", "Vaccinations"),
    "TC.6": _l("Tiêm chủng", "Vaccinations"),
    "TC.10": _l("Tiêm chủng", "Vaccinations"),
    "TC.45": _l("Tình trạng dinh dưỡng của trẻ em", "Nutritional status of children"),
    "TC.46": _l("Tình trạng dinh dưỡng của trẻ em", "Nutritional status of children"),
    "TC.47": _l("Tình trạng dinh dưỡng của trẻ em", "Nutritional status of children"),
    "TC.45-47": _l("Tình trạng dinh dưỡng của trẻ em", "Nutritional status of children"),
    "TC.53": _l("Chỉ số phát triển trẻ thơ", "Early child development index"),
    "EQ.3": _l("Bảo hiểm y tế", "Health insurance coverage"),
    "EQ.5": _l("Độ bao phủ của trợ giúp xã hội", "Social protection coverage"),
    "LN.4": _l("Kỹ năng học tập nền tảng", "Foundational learning skills"),
    "WS.3": _l("Sử dụng dịch vụ vệ sinh", "Use of sanitation services"),
    "WS.6": _l("Nước uống được quản lý an toàn", "Safely managed drinking water"),
    "WS.7": _l("Nơi rửa tay", "Handwashing facility"),
}
_TEXT: dict[str, dict[Lang, str]] = {
    "table": _l("Bảng", "Table"),
    "other_sheet": _l("Khác", "Other"),
    "other_title": _l("Các chỉ tiêu khác", "Other indicators"),
    "total": _l("Tổng số", "Total"),
    "weighted_n": _l("Số trường hợp (có trọng số)", "Weighted number of cases"),
    "fn_paren": _l(
        "( ) Số liệu dựa trên 25-49 trường hợp chưa gia quyền.",
        "( ) Figures that are based on 25-49 unweighted cases.",
    ),
    "fn_star": _l(
        "(*) Số liệu dựa trên ít hơn 25 trường hợp chưa gia quyền, không được công bố.",
        "(*) Figures that are based on fewer than 25 unweighted cases have been suppressed.",
    ),
    "fn_dash": _l("- Không có trường hợp nào.", "- No cases."),
    "fn_pct": _l(
        "Tỷ lệ phần trăm (%), làm tròn một chữ số thập phân.",
        "Percentages (%), rounded to one decimal.",
    ),
    "sdg": _l("Chỉ tiêu SDG", "SDG indicator"),
    "se_sheet": _l("Sai số chọn mẫu", "Sampling errors"),
    "se_title": _l("Sai số chọn mẫu: toàn quốc", "Sampling errors: national (total) estimates"),
    "se_note": _l(
        "Giá trị của chỉ tiêu tỷ lệ ghi dưới dạng tỷ số (0-1); khoảng tin cậy r ± 2se.",
        "Percentage indicators are given as proportions (0-1); confidence limits r ± 2se.",
    ),
}
_SE_HEADERS: tuple[dict[Lang, str], ...] = (
    _l("Bảng MICS", "MICS table"),
    _l("Chỉ tiêu", "Indicator"),
    _l("Mã SDG", "SDG"),
    _l("Giá trị (r)", "Value (r)"),
    _l("Sai số chuẩn (se)", "Standard error (se)"),
    _l("Hệ số biến thiên (se/r)", "Coefficient of variation (se/r)"),
    _l("Hệ số ảnh hưởng thiết kế (deff)", "Design effect (deff)"),
    _l("Căn bậc hai hệ số thiết kế (deft)", "Square root of design effect (deft)"),
    _l("Số trường hợp có trọng số", "Weighted count"),
    _l("Số trường hợp chưa gia quyền", "Unweighted count"),
    _l("Cận dưới (r - 2se)", "Lower limit (r - 2se)"),
    _l("Cận trên (r + 2se)", "Upper limit (r + 2se)"),
)


def cell_text(value: float, flag: str, *, digits: int = 1) -> str | float:
    """Apply the MICS small-sample rule to one figure.

    Args:
        value: The figure as shown (already x100 for percentages).
        flag: MICS flag: ``"-"`` no cases, ``"*"`` fewer than 25, ``"()"`` 25-49, ``""``.
        digits: Decimals in the parenthesised text.

    Returns:
        ``"-"``, ``"(*)"``, ``"(12.3)"`` (text), or the number itself when it is shown as is.
    """
    if flag == "-" or value is None or math.isnan(value):
        return "-"
    if flag == "*":
        return "(*)"
    if flag == "()":
        return f"({value:.{digits}f})"
    return value


def _province_names() -> dict[str, dict[Lang, str]]:
    from vietnam_provinces import Province

    names: dict[str, dict[Lang, str]] = {}
    for p in Province.iter_all():
        vi = str(p.name)
        en = _ascii(vi)
        if en.startswith("Thanh pho "):
            en = en.removeprefix("Thanh pho ") + " City"
        names[f"{int(p.code):02d}"] = _l(vi, en)
    return names


def _ascii(text: str) -> str:
    # Keep case (unlike baove.core.text.fold, made for matching): English labels want
    # "Ha Noi", not "ha noi".
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _domain_label(by: str, code: str, lang: Lang, provinces: Mapping[str, dict[Lang, str]]) -> str:
    if by == "province" and code in provinces:
        return provinces[code][lang]
    labels = _DOMAIN_LABELS.get(by, {})
    return labels[code][lang] if code in labels else code


def _catalogue_meta(indicator: str) -> IndicatorMeta | None:
    try:
        catalogue = importlib.import_module("baove.indicators.catalogue")
        found: IndicatorMeta = catalogue.get(indicator)
    except (ImportError, AttributeError, KeyError):
        return None
    return found


def _resolve_meta(
    results: pd.DataFrame, meta: Mapping[str, IndicatorMeta] | None
) -> dict[str, IndicatorMeta]:
    out: dict[str, IndicatorMeta] = {}
    first = results.drop_duplicates("indicator").set_index("indicator")
    for ind in first.index:
        found = meta.get(ind) if meta is not None else None
        if found is None:
            found = _catalogue_meta(ind)
        if found is None:
            # Neither given nor catalogued: the id stands in for the name, the frame gives
            # the table and SDG code.
            row = first.loc[ind]
            table = row.get("mics_table")
            sdg = row.get("sdg")
            found = TableMeta(
                name_vi=str(ind),
                name_en=str(ind),
                mics_table=None if pd.isna(table) else str(table),
                sdg=None if pd.isna(sdg) else str(sdg),
            )
        out[str(ind)] = found
    return out


def _check_columns(results: pd.DataFrame) -> None:
    need = ("indicator", "by", "domain", "estimate", "flag", "n_unweighted", "n_weighted")
    missing = [c for c in need if c not in results.columns]
    if missing:
        raise ValueError(f"results: missing column(s) {', '.join(missing)}")


def write_results(
    results: pd.DataFrame,
    path: Path | str,
    *,
    lang: Lang = "vi",
    meta: Mapping[str, IndicatorMeta] | None = None,
) -> Path:
    """Write a ``compute_survey`` result in the format the file suffix names.

    Args:
        results: Long frame ``indicator, sdg, sdmx_code, mics_table, by, domain, estimate,
            se, ci_low, ci_high, deff, n_unweighted, n_weighted, flag``.
        path: Output file ending in ``.parquet``, ``.csv`` or ``.xlsx``.
        lang: Language of the Excel labels: ``"vi"`` (default) or ``"en"``.
        meta: Indicator names, units and tables by id; ids not in it are looked up in the
            catalogue (``baove.indicators.catalogue.get``), else the id is the name.

    Returns:
        The path written.

    Raises:
        ValueError: Unknown suffix or language, or a required column is missing.
    """
    path = Path(path)
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    _check_columns(results)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        results.to_parquet(path, index=False)
        return path
    if suffix == ".csv":
        return write_csv(results, path)
    if suffix == ".xlsx":
        return write_xlsx(results, path, lang=lang, meta=meta)
    raise ValueError(f"{path}: unknown output format {suffix!r}; use .parquet, .csv or .xlsx")


def write_csv(results: pd.DataFrame, path: Path | str) -> Path:
    """Write the long frame as UTF-8 CSV, empty domains' numbers as ``-``.

    Args:
        results: The long result frame.
        path: Output file.

    Returns:
        The path written.
    """
    path = Path(path)
    out = results.copy()
    empty = (out["flag"] == "-").to_numpy()
    for col in NUMERIC_COLUMNS:
        if col in out.columns:
            values = out[col].astype(object)
            values[empty & out[col].isna().to_numpy()] = "-"
            out[col] = values
    out.to_csv(path, index=False, na_rep="", encoding="utf-8")
    return path


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Sheet"
    candidate, i = clean, 2
    while candidate.lower() in used:
        suffix = f" ({i})"
        candidate, i = clean[: 31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


def _ordered_blocks(frame: pd.DataFrame) -> list[str]:
    present = [str(b) for b in pd.unique(frame["by"]) if b != "total"]
    known = [b for b in BLOCK_ORDER if b in present and b != "province"]
    extra = [b for b in present if b not in BLOCK_ORDER]
    return known + extra + (["province"] if "province" in present else [])


def _ordered_domains(frame: pd.DataFrame, by: str) -> list[str]:
    seen = [str(d) for d in pd.unique(frame.loc[frame["by"] == by, "domain"])]
    if by == "province":
        return sorted(seen)
    canonical = list(_DOMAIN_LABELS.get(by, {}))
    return [d for d in canonical if d in seen] + [d for d in seen if d not in canonical]


def _weight_groups(frame: pd.DataFrame, indicators: Sequence[str]) -> list[list[str]]:
    """Group indicators whose weighted denominators agree in every row (one N column each)."""
    pivot = frame.pivot_table(
        index=["by", "domain"], columns="indicator", values="n_weighted", aggfunc="first"
    )
    groups: list[list[str]] = []
    for ind in indicators:
        col = pivot[ind].to_numpy(dtype="float64") if ind in pivot else np.array([])
        for group in groups:
            ref = pivot[group[0]].to_numpy(dtype="float64")
            if col.shape == ref.shape and np.allclose(col, ref, rtol=1e-9, equal_nan=True):
                group.append(ind)
                break
        else:
            groups.append([ind])
    return groups


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 12})
        self.header = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "align": "center", "border": 1}
        )
        self.header_left = book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "border": 1}
        )
        self.block = book.add_format({"bold": True, "italic": True})
        self.label = book.add_format({"indent": 1})
        self.total = book.add_format({"bold": True})
        self.pct = book.add_format({"num_format": "0.0", "align": "right"})
        self.num2 = book.add_format({"num_format": "0.00", "align": "right"})
        self.num3 = book.add_format({"num_format": "0.000", "align": "right"})
        self.count = book.add_format({"num_format": "#,##0", "align": "right"})
        self.text = book.add_format({"align": "right"})
        self.note = book.add_format({"italic": True, "font_size": 9})


def write_xlsx(
    results: pd.DataFrame,
    path: Path | str,
    *,
    lang: Lang = "vi",
    meta: Mapping[str, IndicatorMeta] | None = None,
) -> Path:
    """Write MICS-style tables, one sheet per MICS table, plus a sampling errors sheet.

    Args:
        results: The long result frame (see :func:`write_results`).
        path: Output ``.xlsx`` file.
        lang: ``"vi"`` or ``"en"``.
        meta: Indicator metadata by id (see :func:`write_results`).

    Returns:
        The path written.
    """
    path = Path(path)
    _check_columns(results)
    frame = results.copy()
    frame["indicator"] = frame["indicator"].astype(str)
    frame["by"] = frame["by"].astype(str)
    frame["domain"] = frame["domain"].astype(str)
    metas = _resolve_meta(frame, meta)
    # The frame's table wins over metadata: it is what compute_survey ran with.
    table_of: dict[str, str | None] = {}
    for ind in metas:
        col = frame.loc[frame["indicator"] == ind, "mics_table"] if "mics_table" in frame else None
        value = col.iloc[0] if col is not None and len(col) else None
        table_of[ind] = str(value) if value is not None and not pd.isna(value) else None
        if table_of[ind] is None:
            table_of[ind] = metas[ind].mics_table
    tables: dict[str | None, list[str]] = {}
    for ind in metas:
        tables.setdefault(table_of[ind], []).append(ind)
    provinces = _province_names()
    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": False})
    try:
        fmt = _Formats(book)
        used: set[str] = set()
        for table, inds in tables.items():
            _write_table(book, fmt, frame, table, inds, metas, lang, provinces, used)
        _write_sampling_errors(book, fmt, frame, metas, table_of, lang, used)
    finally:
        book.close()
    return path


def _name(m: IndicatorMeta, lang: Lang) -> str:
    return m.name_vi if lang == "vi" else m.name_en


def _write_table(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    frame: pd.DataFrame,
    table: str | None,
    inds: list[str],
    metas: Mapping[str, IndicatorMeta],
    lang: Lang,
    provinces: Mapping[str, dict[Lang, str]],
    used: set[str],
) -> None:
    sub = frame[frame["indicator"].isin(inds)]
    sheet = book.add_worksheet(_sheet_name(table or _TEXT["other_sheet"][lang], used))
    if table is None:
        title = _TEXT["other_title"][lang]
    else:
        name = (
            _TABLE_NAMES[table][lang]
            if table in _TABLE_NAMES
            else "; ".join(_name(metas[i], lang) for i in inds)
        )
        title = f"{_TEXT['table'][lang]} {table}: {name}"
    groups = _weight_groups(sub, inds)
    n_cols = 1 + len(inds) + len(groups)
    sheet.write_string(0, 0, title, fmt.title)
    header_row = 2
    sheet.write_string(header_row, 0, "", fmt.header_left)
    for j, ind in enumerate(inds, start=1):
        sheet.write_string(header_row, j, _name(metas[ind], lang), fmt.header)
    for k, group in enumerate(groups):
        label = _TEXT["weighted_n"][lang]
        if len(groups) > 1:
            label += ": " + ", ".join(_name(metas[i], lang) for i in group)
        sheet.write_string(header_row, 1 + len(inds) + k, label, fmt.header)
    sheet.set_row(header_row, 60)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, n_cols - 1, 14)
    sheet.freeze_panes(header_row + 1, 1)

    records = cast(list[dict[str, Any]], sub.to_dict("records"))
    cells = {(str(r["indicator"]), str(r["by"]), str(r["domain"])): r for r in records}
    row = header_row + 1
    rows: list[tuple[str, str, str, Any]] = [("total", "Total", _TEXT["total"][lang], fmt.total)]
    for by in _ordered_blocks(sub):
        rows.append((by, "", _BLOCK_HEADINGS.get(by, _l(by, by))[lang], None))
        rows.extend(
            (by, dom, _domain_label(by, dom, lang, provinces), fmt.label)
            for dom in _ordered_domains(sub, by)
        )
    for by, dom, label, label_fmt in rows:
        if label_fmt is None:
            sheet.write_string(row, 0, label, fmt.block)
            row += 1
            continue
        sheet.write_string(row, 0, label, label_fmt)
        for j, ind in enumerate(inds, start=1):
            rec = cells.get((ind, by, dom))
            if rec is not None:
                _write_figure(sheet, fmt, row, j, rec, metas[ind].unit)
        for k, group in enumerate(groups):
            rec = next((cells[g, by, dom] for g in group if (g, by, dom) in cells), None)
            if rec is not None:
                n = rec["n_weighted"]
                n = 0.0 if pd.isna(n) else float(n)
                sheet.write_number(row, 1 + len(inds) + k, round(n), fmt.count)
        row += 1

    row += 1
    notes = [_TEXT["fn_paren"][lang], _TEXT["fn_star"][lang], _TEXT["fn_dash"][lang]]
    if any(metas[i].unit == "PCNT" for i in inds):
        notes.insert(0, _TEXT["fn_pct"][lang])
    for ind in inds:
        if metas[ind].sdg:
            notes.append(
                f"[{metas[ind].sdg}] {_TEXT['sdg'][lang]} {metas[ind].sdg}: "
                f"{_name(metas[ind], lang)}"
            )
    for note in notes:
        sheet.write_string(row, 0, note, fmt.note)
        row += 1


def _write_figure(
    sheet: Any, fmt: _Formats, row: int, col: int, rec: Mapping[str, Any], unit: str
) -> None:
    raw = rec["estimate"]
    value = math.nan if pd.isna(raw) else float(raw) * (100.0 if unit == "PCNT" else 1.0)
    flag = "" if pd.isna(rec["flag"]) else str(rec["flag"])
    digits = 1 if unit == "PCNT" else 2
    shown = cell_text(value, flag, digits=digits)
    if isinstance(shown, str):
        sheet.write_string(row, col, shown, fmt.text)
    else:
        sheet.write_number(row, col, shown, fmt.pct if unit == "PCNT" else fmt.num2)


def _write_sampling_errors(
    book: xlsxwriter.Workbook,
    fmt: _Formats,
    frame: pd.DataFrame,
    metas: Mapping[str, IndicatorMeta],
    table_of: Mapping[str, str | None],
    lang: Lang,
    used: set[str],
) -> None:
    sheet = book.add_worksheet(_sheet_name(_TEXT["se_sheet"][lang], used))
    sheet.write_string(0, 0, _TEXT["se_title"][lang], fmt.title)
    for j, header in enumerate(_SE_HEADERS):
        sheet.write_string(2, j, header[lang], fmt.header)
    sheet.set_row(2, 45)
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 40)
    sheet.set_column(2, len(_SE_HEADERS) - 1, 13)
    totals = frame[frame["by"] == "total"]
    row = 3
    for ind in metas:
        recs = totals[totals["indicator"] == ind]
        if recs.empty:
            continue
        rec = recs.iloc[0]
        sheet.write_string(row, 0, table_of[ind] or "", fmt.text)
        sheet.write_string(row, 1, _name(metas[ind], lang))
        sheet.write_string(row, 2, metas[ind].sdg or "")
        r, se, deff = (_float(rec.get(c)) for c in ("estimate", "se", "deff"))
        values = [
            r,
            se,
            se / r if r != 0 and not math.isnan(r) else math.nan,
            deff,
            math.sqrt(deff) if deff >= 0 else math.nan,
        ]
        for j, v in enumerate(values, start=3):
            _write_optional(sheet, row, j, v, fmt.num3)
        _write_optional(sheet, row, 8, _float(rec.get("n_weighted")), fmt.count)
        _write_optional(sheet, row, 9, _float(rec.get("n_unweighted")), fmt.count)
        # MICS sampling-error tables use r +/- 2se, not 1.96.
        _write_optional(sheet, row, 10, r - 2 * se, fmt.num3)
        _write_optional(sheet, row, 11, r + 2 * se, fmt.num3)
        row += 1
    sheet.write_string(row + 1, 0, _TEXT["se_note"][lang], fmt.note)


def _float(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def _write_optional(sheet: Any, row: int, col: int, value: float, cell_format: Any) -> None:
    if math.isnan(value) or math.isinf(value):
        sheet.write_string(row, col, "-", cell_format)
    else:
        sheet.write_number(row, col, value, cell_format)
