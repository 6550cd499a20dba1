"""What the explorer and scorecard pages show, built from the store's snapshot.

Pure functions of (snapshot, choices, language): the views stay thin and the API reuses the
same figures. Proportions are shown x100 with one decimal and the MICS small-sample rules
(:func:`baove.indicators.tables.cell_text`, the same rule as ``mics_display`` but driven
by the stored flag).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

import pandas as pd
from django.utils.translation import gettext_lazy as _

from baove.dashboards import charts
from baove.dashboards.store import RoundInfo, Snapshot
from baove.indicators.catalogue import CATALOGUE, STANDARD_DISAGGREGATIONS, IndicatorDef
from baove.indicators.tables import _BLOCK_HEADINGS, _DOMAIN_LABELS, _province_names, cell_text
from baove.indicators.targets import Progress, Target, classify_progress, load_targets
from baove.indicators.triangulation import triangulate

Lang = Literal["vi", "en"]

#: Indicator families (the catalogue modules), for the grouped indicator picker.
FAMILIES: dict[str, Any] = {
    "violent_discipline": _("Child discipline (SDG 16.2.1)"),
    "child_labour": _("Child labour (SDG 8.7.1)"),
    "ict": _("ICT skills (SDG 4.4.1)"),
    "moda": _("Child poverty, MODA (SDG 1.2.2)"),
    "birth_registration": _("Birth registration (SDG 16.9.1)"),
    "child_marriage": _("Child marriage (SDG 5.3.1)"),
    "nutrition": _("Nutrition (SDG 2.2)"),
    "ecd": _("Early childhood development (SDG 4.2.1)"),
    "immunization": _("Immunization (SDG 3.b.1)"),
    "social_protection": _("Social protection (SDG 1.3.1)"),
    "health_insurance": _("Health insurance"),
    "learning": _("Foundational learning (SDG 4.1.1)"),
    "wash": _("Water, sanitation and hygiene (SDG 6)"),
}
#: Disaggregations shown side by side on the explorer (provinces go on the map).
SIDE_BY_SIDE = tuple(b for b in STANDARD_DISAGGREGATIONS if b != "province")
Z95 = 1.96


def lang_of(code: str | None) -> Lang:
    """The catalogue language for a Django language code."""
    return "en" if (code or "").startswith("en") else "vi"


def family_of(indicator: IndicatorDef) -> str:
    """The catalogue module an indicator is declared in (its family)."""
    return indicator.derive.__module__.rsplit(".", 1)[-1]


def indicator_name(indicator: IndicatorDef, lang: Lang) -> str:
    """Name in the page language."""
    return indicator.name_en if lang == "en" else indicator.name_vi


@cache
def province_names() -> dict[str, dict[Lang, str]]:
    """Province names by code, Vietnamese and English (34 provinces, 2025 codes)."""
    return _province_names()


@cache
def targets() -> dict[str, Target]:
    """The National Action Programme targets (read once per process)."""
    return load_targets()


def domain_label(by: str, code: str, lang: Lang) -> str:
    """A category's label ("Nữ"/"Female", a province name, a wealth quintile...)."""
    if by == "province":
        names = province_names()
        return names[code][lang] if code in names else code
    labels = _DOMAIN_LABELS.get(by, {})
    return labels[code][lang] if code in labels else code


def by_label(by: str, lang: Lang) -> str:
    """A disaggregation's heading ("Giới tính"/"Sex")."""
    return _BLOCK_HEADINGS[by][lang] if by in _BLOCK_HEADINGS else by


@dataclass(frozen=True)
class Figure:
    """One published figure as shown (percent) with its MICS marks."""

    value: float | None
    low: float | None
    high: float | None
    se: float | None
    n: int
    flag: str
    text: str
    ci_text: str

    @property
    def caution(self) -> bool:
        """25-49 unweighted cases: shown in parentheses."""
        return self.flag == "()"

    @property
    def shown(self) -> bool:
        """The value may be shown (not suppressed, not empty)."""
        return self.value is not None


def _num(value: Any, scale: float = 100.0) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number * scale


def figure(row: Any, scale: float = 100.0) -> Figure:
    """Build the displayed figure of one result row (a mapping or pandas row)."""
    n = int(row["n_unweighted"])
    flag = str(row["flag"] or "")
    estimate = _num(row["estimate"], scale)
    # the stored flag decides (cell_text applies the MICS rules to it, as the Excel tables do)
    shown = cell_text(estimate if estimate is not None else math.nan, flag)
    text = shown if isinstance(shown, str) else f"{shown:.1f}"
    hidden = text in ("-", "(*)")
    low, high = _num(row["ci_low"], scale), _num(row["ci_high"], scale)
    ci_text = ""
    if not hidden and low is not None and high is not None:
        ci_text = f"{low:.1f}–{high:.1f}"
    return Figure(
        value=None if hidden else estimate,
        low=None if hidden else low,
        high=None if hidden else high,
        se=None if hidden else _num(row["se"], scale),
        n=n,
        flag=flag,
        text=text,
        ci_text=ci_text,
    )


def indicator_groups(available: set[str], lang: Lang) -> list[dict[str, Any]]:
    """Indicators with published results, grouped by family, in catalogue order."""
    groups: dict[str, list[dict[str, str]]] = {}
    for ind in CATALOGUE.values():
        if ind.id in available:
            groups.setdefault(family_of(ind), []).append(
                {"id": ind.id, "name": indicator_name(ind, lang)}
            )
    return [
        {"label": FAMILIES.get(fam, fam), "options": options} for fam, options in groups.items()
    ]


def metadata(ind: IndicatorDef, lang: Lang) -> dict[str, Any]:
    """The indicator's metadata for the page and the API."""
    return {
        "id": ind.id,
        "name": indicator_name(ind, lang),
        "name_vi": ind.name_vi,
        "name_en": ind.name_en,
        "family": family_of(ind),
        "sdg": ind.sdg,
        "sdmx_dataflow": ind.sdmx_dataflow,
        "sdmx_code": ind.sdmx_code,
        "national_code": ind.national_code,
        "mics_table": ind.mics_table,
        "unit": ind.unit,
        "definition": ind.definition,
        "numerator": ind.numerator,
        "denominator": ind.denominator,
        "population": ind.population,
        "age_range": ind.age_range,
        "reference_period": ind.reference_period,
        "disaggregations": list(ind.disaggregations),
    }


def series_rounds(snap: Snapshot, current: RoundInfo) -> list[RoundInfo]:
    """Rounds of the same kind as ``current`` (source, synthetic or not), one per year.

    Real and synthetic rounds never share a trend line; of two rounds in one year the one
    whose code sorts last is kept.
    """
    by_year: dict[int, RoundInfo] = {}
    for info in sorted(snap.rounds.values(), key=lambda r: (r.year, r.code)):
        if info.source == current.source and info.synthetic == current.synthetic:
            by_year[info.year] = info
    return [by_year[y] for y in sorted(by_year)]


def rounds_for(snap: Snapshot, indicator: str, source: str | None = None) -> list[RoundInfo]:
    """Rounds that published ``indicator``, newest first."""
    codes = set(snap.select(indicator=indicator, by="total")["round"])
    found = [snap.rounds[c] for c in codes if c in snap.rounds]
    if source is not None:
        found = [r for r in found if r.source == source]
    return sorted(found, key=lambda r: (-r.year, r.code))


@dataclass
class Explorer:
    """Everything the explorer page shows for one indicator and round."""

    indicator: IndicatorDef
    round: RoundInfo
    meta: dict[str, Any]
    national: Figure | None
    trend: list[dict[str, Any]]
    trend_svg: str
    blocks: list[dict[str, Any]]
    provinces: list[dict[str, Any]]
    map_svg: str
    rounds: list[RoundInfo]
    marks: set[str] = field(default_factory=set)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def explorer(
    snap: Snapshot, indicator_id: str, round_code: str, lang: Lang, *, province_url: str = ""
) -> Explorer:
    """Build the explorer of one indicator in one round.

    Args:
        snap: the store snapshot.
        indicator_id: a catalogue id with published results.
        round_code: a round that published it.
        lang: page language.
        province_url: scorecard URL with ``{code}`` in place of the province code.

    Raises:
        KeyError: unknown indicator or round, or the round has no result for it.
    """
    ind = CATALOGUE[indicator_id]
    info = snap.rounds[round_code]
    rows = snap.select(indicator=indicator_id, round=round_code)
    if rows.empty:
        raise KeyError(round_code)
    marks: set[str] = set()
    total = rows[rows["by"] == "total"]
    national = figure(total.iloc[0]) if len(total) else None
    if national is not None:
        marks.add(national.flag)

    trend: list[dict[str, Any]] = []
    points: list[charts.TrendPoint] = []
    same = snap.select(indicator=indicator_id, by="total")
    by_round = {r["round"]: r for r in _rows(same)}
    for r in series_rounds(snap, info):
        if r.code not in by_round:
            continue
        fig = figure(by_round[r.code])
        marks.add(fig.flag)
        trend.append({"round": r, "figure": fig, "current": r.code == round_code})
        points.append(
            charts.TrendPoint(r.year, str(r.year), fig.value, fig.low, fig.high, fig.text)
        )
    name = indicator_name(ind, lang)
    trend_svg = charts.trend_chart(
        points,
        str(_("%(indicator)s: trend over survey rounds (%%)") % {"indicator": name}),
        ci_label=str(_("95% confidence interval")),
    )

    blocks: list[dict[str, Any]] = []
    for by in SIDE_BY_SIDE:
        part = rows[rows["by"] == by]
        if part.empty:
            continue
        items: list[tuple[str, Figure]] = []
        for row in _rows(part):
            fig = figure(row)
            marks.add(fig.flag)
            items.append((domain_label(by, row["domain"], lang), fig))
        title = str(
            _("%(indicator)s by %(by)s (%%)")
            % {"indicator": name, "by": by_label(by, lang).lower()}
        )
        bars = [charts.Bar(lb, f.value, f.low, f.high, f.text, f.caution) for lb, f in items]
        blocks.append(
            {
                "by": by,
                "heading": by_label(by, lang),
                "title": title,
                "items": [{"label": lb, "figure": f} for lb, f in items],
                "svg": charts.bar_chart(bars, title),
            }
        )

    provinces: list[dict[str, Any]] = []
    tiles: list[charts.Tile] = []
    for row in _rows(rows[rows["by"] == "province"]):
        fig = figure(row)
        marks.add(fig.flag)
        pname = domain_label("province", row["domain"], lang)
        href = province_url.replace("{code}", row["domain"]) if province_url else ""
        provinces.append({"code": row["domain"], "name": pname, "figure": fig, "href": href})
        tiles.append(charts.Tile(row["domain"], pname, fig.value, fig.text, fig.caution, href))
    map_svg = ""
    if tiles:
        map_svg = charts.tile_map(
            tiles,
            str(_("%(indicator)s by province (%%)") % {"indicator": name}),
            prefix=f"map-{ind.id}",
            legend_title=str(_("Per cent")),
            suppressed_label=str(_("(*) fewer than 25 cases, or -")),
            caution_label=str(_("( ) 25-49 cases")),
        )
    return Explorer(
        indicator=ind,
        round=info,
        meta=metadata(ind, lang),
        national=national,
        trend=trend,
        trend_svg=trend_svg,
        blocks=blocks,
        provinces=provinces,
        map_svg=map_svg,
        rounds=rounds_for(snap, indicator_id),
        marks=marks,
    )


# ----------------------------------------------------------------------------- scorecard


def compare(province: Figure, national: Figure) -> str:
    """``higher``/``lower``/``same`` (no significant difference) or ``na``.

    A z-test on the difference with the two standard errors treated as independent; the
    province is part of the national sample, so this is slightly conservative.
    """
    if province.value is None or national.value is None or province.se is None:
        return "na"
    se = math.hypot(province.se, national.se or 0.0)
    if se == 0:
        return "same" if province.value == national.value else "na"
    z = (province.value - national.value) / se
    if z > Z95:
        return "higher"
    if z < -Z95:
        return "lower"
    return "same"


def progress(
    indicator: str, observations: Sequence[tuple[int, float]], target: Target | None
) -> Progress | None:
    """Progress towards the target, or None when the indicator has no target."""
    if target is None:
        return None
    try:
        return classify_progress(indicator, observations, target)
    except ValueError:
        return None


def _triangulation(
    snap: Snapshot, indicator: str, province: str, lang: Lang
) -> list[dict[str, Any]]:
    """Government and NGO figures of this province set against the survey."""
    rows = snap.province_rows(province)
    rows = rows[rows["indicator"] == indicator]
    if rows.empty or rows["source"].nunique() < 2:
        return []
    obs = pd.DataFrame(
        {
            "indicator": indicator,
            "province": province,
            "period": rows["year"].astype(str).to_numpy(),
            "source": rows["round"].to_numpy(),
            "source_type": rows["source"].to_numpy(),
            "value": rows["estimate"].to_numpy(dtype="float64") * 100,
            "ci_low": rows["ci_low"].to_numpy(dtype="float64") * 100,
            "ci_high": rows["ci_high"].to_numpy(dtype="float64") * 100,
            "n": rows["n_unweighted"].to_numpy(dtype="float64"),
            "flag": rows["flag"].to_numpy(dtype=object),
        }
    )
    return [{str(k): v for k, v in row.items()} for row in triangulate(obs).to_dict("records")]


def scorecard(snap: Snapshot, province: str, round_code: str, lang: Lang) -> list[dict[str, Any]]:
    """One row per indicator: province vs national, target progress, triangulation.

    Args:
        snap: the store snapshot.
        province: province code.
        round_code: the survey round compared.
        lang: page language.

    Returns:
        Rows in catalogue order, for indicators with a province figure in the round.
    """
    info = snap.rounds[round_code]
    series = series_rounds(snap, info)
    years = {r.code: r.year for r in series}
    mine = snap.province_rows(province)
    mine = mine[mine["round"] == round_code]
    totals = {r["indicator"]: r for r in _rows(snap.select(round=round_code, by="total"))}
    mine_all = snap.province_rows(province)
    history = mine_all[mine_all["round"].isin(list(years))]
    several_sources = mine_all["source"].nunique() > 1
    by_ind: dict[str, list[tuple[int, float]]] = {}
    for row in _rows(history):
        fig = figure(row)
        if fig.value is not None:
            by_ind.setdefault(row["indicator"], []).append((years[row["round"]], fig.value))
    out = []
    mine_by_ind = {r["indicator"]: r for r in _rows(mine)}
    for ind in CATALOGUE.values():
        if ind.id not in mine_by_ind:
            continue
        fig = figure(mine_by_ind[ind.id])
        nat = figure(totals[ind.id]) if ind.id in totals else None
        target = targets().get(ind.id)
        out.append(
            {
                "indicator": ind,
                "name": indicator_name(ind, lang),
                "figure": fig,
                "national": nat,
                "comparison": compare(fig, nat) if nat is not None else "na",
                "target": target,
                "progress": progress(ind.id, by_ind.get(ind.id, []), target),
                "triangulation": (
                    _triangulation(snap, ind.id, province, lang) if several_sources else []
                ),
            }
        )
    return out
