"""Server-rendered SVG charts: trend line with CI band, bars with CIs, tile map of Viet Nam.

Plain SVG strings built here rather than a chart library: pages must work offline, print
well and stay fast (a few hundred elements, built in well under a millisecond each), and
Matplotlib's SVG output is neither accessible (no roles, labels or text) nor light. Every
chart has ``role="img"``, an ``aria-label`` with its title, a ``<title>``, and the page shows
the same numbers in a table next to it. Colours are never the only carrier of meaning:
values are written on the bars and tiles, map classes also differ by pattern, and small
samples are marked with parentheses and dashed outlines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "CLASS_COLOURS",
    "GRID",
    "SHORT_NAMES",
    "Bar",
    "Tile",
    "TrendPoint",
    "bar_chart",
    "classes",
    "tile_map",
    "trend_chart",
]


@dataclass(frozen=True)
class TrendPoint:
    """One round of a trend: x label, year, value and CI (percent), shown text."""

    year: int
    label: str
    value: float | None
    low: float | None
    high: float | None
    text: str


@dataclass(frozen=True)
class Bar:
    """One category of a bar chart (percent); ``value`` None when suppressed or empty."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    text: str
    caution: bool = False


@dataclass(frozen=True)
class Tile:
    """One province of the tile map."""

    code: str
    name: str
    value: float | None
    text: str
    caution: bool = False
    href: str = ""


#: Tile positions (column, row) of the 34 provinces, north to south, roughly geographic.
GRID: dict[str, tuple[int, int]] = {
    "12": (0, 0), "15": (1, 0), "08": (2, 0), "04": (3, 0),
    "11": (0, 1), "14": (1, 1), "25": (2, 1), "19": (3, 1), "20": (4, 1),
    "01": (2, 2), "24": (3, 2), "22": (4, 2),
    "37": (2, 3), "33": (3, 3), "31": (4, 3),
    "38": (2, 4),
    "40": (2, 5),
    "42": (2, 6),
    "44": (3, 7),
    "46": (3, 8),
    "48": (4, 9),
    "52": (3, 10), "51": (4, 10),
    "66": (3, 11), "56": (4, 11),
    "80": (2, 12), "68": (3, 12),
    "82": (1, 13), "79": (2, 13), "75": (3, 13),
    "91": (0, 14), "92": (1, 14), "86": (2, 14),
    "96": (0, 15),
}  # fmt: skip
#: Three-letter tile labels (the full name is in each tile's tooltip and in the table).
SHORT_NAMES: dict[str, str] = {
    "01": "HNI", "04": "CBG", "08": "TQG", "11": "ĐBN", "12": "LCU", "14": "SLA", "15": "LCI",
    "19": "TNN", "20": "LSN", "22": "QNH", "24": "BNH", "25": "PTO", "31": "HPG", "33": "HYN",
    "37": "NBH", "38": "THA", "40": "NAN", "42": "HTH", "44": "QTI", "46": "HUE", "48": "ĐNG",
    "51": "QNI", "52": "GLI", "56": "KHA", "66": "ĐLK", "68": "LĐG", "75": "ĐNI", "79": "HCM",
    "80": "TNH", "82": "ĐTP", "86": "VLG", "91": "AGG", "92": "CTO", "96": "CMU",
}  # fmt: skip
#: Fill of map classes 1-5 (light to dark, a colour-blind safe blue ramp).
CLASS_COLOURS = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
_CLASS_INK = ("#000", "#000", "#000", "#fff", "#fff")
_PATTERNS = (
    "",
    '<pattern id="{p}-c2" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<circle cx="4" cy="4" r="1.2" fill="#000" fill-opacity=".35"/></pattern>',
    '<pattern id="{p}-c3" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#000" '
    'stroke-opacity=".3" stroke-width="1.5"/></pattern>',
    '<pattern id="{p}-c4" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<path d="M0 0L6 6M6 0L0 6" stroke="#fff" stroke-opacity=".45" stroke-width="1"/>'
    "</pattern>",
    '<pattern id="{p}-c5" width="5" height="5" patternUnits="userSpaceOnUse">'
    '<circle cx="2.5" cy="2.5" r="1.4" fill="#fff" fill-opacity=".5"/></pattern>',
)
_SUPPRESSED_PATTERN = (
    '<pattern id="{p}-sup" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#888" '
    'stroke-width="1"/></pattern>'
)


def _n(x: float) -> str:
    return f"{x:.1f}"


def _open(width: float, height: float, label: str, css: str) -> str:
    safe = escape(label)
    return (
        f'<svg class="chart {css}" viewBox="0 0 {_n(width)} {_n(height)}" role="img" '
        f'aria-label="{safe}" xmlns="http://www.w3.org/2000/svg"><title>{safe}</title>'
    )


def _axis_max(values: Sequence[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 100.0
    return min(100.0, math.ceil(top * 1.1 / 10) * 10) if top <= 100 else math.ceil(top * 1.1)


def trend_chart(points: Sequence[TrendPoint], label: str, *, ci_label: str) -> SafeString:
    """A line over rounds with its 95% confidence band (band only where both limits exist).

    Args:
        points: rounds, oldest first.
        label: chart title (also the accessible name).
        ci_label: legend text for the band ("95% confidence interval").

    Returns:
        The SVG markup.
    """
    width, height, left, right, top, bottom = 640.0, 260.0, 44.0, 16.0, 14.0, 40.0
    numbers = [v for p in points for v in (p.value, p.high) if v is not None]
    ymax = _axis_max(numbers)
    years = [p.year for p in points]
    span = (max(years) - min(years)) if len(set(years)) > 1 else 1

    def x(i: int) -> float:
        if len(set(years)) <= 1:
            return left + (width - left - right) / 2
        return left + (years[i] - min(years)) / span * (width - left - right)

    def y(v: float) -> float:
        return top + (1 - v / ymax) * (height - top - bottom)

    out = [_open(width, height, label, "trend")]
    for k in range(5):
        tick = ymax * k / 4
        out.append(
            f'<line class="grid" x1="{_n(left)}" x2="{_n(width - right)}" y1="{_n(y(tick))}" '
            f'y2="{_n(y(tick))}"/><text class="tick" x="{_n(left - 6)}" y="{_n(y(tick) + 4)}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    band = [(i, p) for i, p in enumerate(points) if p.low is not None and p.high is not None]
    if len(band) >= 2:
        upper = " ".join(f"{_n(x(i))},{_n(y(p.high or 0))}" for i, p in band)
        lower = " ".join(f"{_n(x(i))},{_n(y(p.low or 0))}" for i, p in reversed(band))
        out.append(f'<polygon class="band" points="{upper} {lower}"/>')
    for i, p in band:
        out.append(
            f'<line class="whisker" x1="{_n(x(i))}" x2="{_n(x(i))}" '
            f'y1="{_n(y(p.low or 0))}" y2="{_n(y(p.high or 0))}"/>'
        )
    shown = [(i, p) for i, p in enumerate(points) if p.value is not None]
    if len(shown) >= 2:
        line = " ".join(f"{_n(x(i))},{_n(y(p.value or 0))}" for i, p in shown)
        out.append(f'<polyline class="line" points="{line}"/>')
    for i, p in enumerate(points):
        out.append(
            f'<text class="tick" x="{_n(x(i))}" y="{_n(height - bottom + 16)}" '
            f'text-anchor="middle">{escape(p.label)}</text>'
        )
        if p.value is not None:
            out.append(
                f'<circle class="dot" cx="{_n(x(i))}" cy="{_n(y(p.value))}" r="4"/>'
                f'<text class="val" x="{_n(x(i))}" y="{_n(y(p.value) - 8)}" '
                f'text-anchor="middle">{escape(p.text)}</text>'
            )
        else:
            out.append(
                f'<text class="val" x="{_n(x(i))}" y="{_n(y(0) - 6)}" '
                f'text-anchor="middle">{escape(p.text)}</text>'
            )
    legend_y = height - 8
    out.append(
        f'<rect class="band" x="{_n(left)}" y="{_n(legend_y - 9)}" width="16" height="10"/>'
        f'<text class="tick" x="{_n(left + 22)}" y="{_n(legend_y)}">{escape(ci_label)}</text>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def bar_chart(bars: Sequence[Bar], label: str) -> SafeString:
    """Horizontal bars with 95% CI whiskers; suppressed categories show their mark only.

    Args:
        bars: categories in display order.
        label: chart title (also the accessible name).

    Returns:
        The SVG markup.
    """
    row, left, right, top = 26.0, 190.0, 70.0, 6.0
    width = 520.0
    height = top * 2 + row * max(len(bars), 1)
    numbers = [v for b in bars for v in (b.value, b.high) if v is not None]
    xmax = _axis_max(numbers)
    scale = (width - left - right) / xmax
    out = [_open(width, height, label, "bars")]
    for i, b in enumerate(bars):
        y0 = top + i * row
        mid = y0 + row / 2
        out.append(
            f'<text class="cat" x="{_n(left - 6)}" y="{_n(mid + 4)}" text-anchor="end">'
            f"{escape(b.label)}</text>"
        )
        end = left
        if b.value is not None:
            css = "bar caution" if b.caution else "bar"
            end = left + b.value * scale
            out.append(
                f'<rect class="{css}" x="{_n(left)}" y="{_n(y0 + 5)}" '
                f'width="{_n(b.value * scale)}" height="{_n(row - 10)}"/>'
            )
            if b.low is not None and b.high is not None:
                lo, hi = left + b.low * scale, left + b.high * scale
                end = max(end, hi)
                out.append(
                    f'<path class="whisker" d="M{_n(lo)} {_n(mid)}H{_n(hi)}'
                    f"M{_n(lo)} {_n(mid - 5)}V{_n(mid + 5)}M{_n(hi)} {_n(mid - 5)}"
                    f'V{_n(mid + 5)}"/>'
                )
        out.append(f'<text class="val" x="{_n(end + 6)}" y="{_n(mid + 4)}">{escape(b.text)}</text>')
    out.append(
        f'<line class="axis" x1="{_n(left)}" x2="{_n(left)}" y1="{_n(top)}" '
        f'y2="{_n(height - top)}"/></svg>'
    )
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped


def classes(values: Sequence[float], k: int = 5) -> list[tuple[float, float]]:
    """Equal-width classes over the range of ``values``, with rounded bounds.

    Args:
        values: the shown values (percent).
        k: number of classes.

    Returns:
        ``k`` (low, high) bounds; empty when there is no value.
    """
    if not values:
        return []
    low, high = math.floor(min(values)), math.ceil(max(values))
    if high <= low:
        high = low + k
    step = math.ceil((high - low) / k) or 1
    return [(low + i * step, low + (i + 1) * step) for i in range(k)]


def class_of(value: float, bounds: Sequence[tuple[float, float]]) -> int:
    """Index (0-based) of the class holding ``value``."""
    for i, (_low, high) in enumerate(bounds):
        if value < high:
            return i
    return len(bounds) - 1


def tile_map(
    tiles: Sequence[Tile],
    label: str,
    *,
    prefix: str,
    legend_title: str,
    suppressed_label: str,
    caution_label: str,
) -> SafeString:
    """The 34 provinces as squares laid out north to south, shaded by class, with values.

    Args:
        tiles: one per province (those not in :data:`GRID` are ignored).
        label: chart title (also the accessible name).
        prefix: unique id prefix for the SVG patterns on this page.
        legend_title: heading of the legend.
        suppressed_label: legend text for suppressed or missing figures.
        caution_label: legend text for figures from 25-49 cases.

    Returns:
        The SVG markup.
    """
    size, gap = 56.0, 4.0
    legend_x = 5 * (size + gap) + 16
    width = legend_x + 200
    height = 16 * (size + gap)
    bounds = classes([t.value for t in tiles if t.value is not None])
    defs = "".join(p.format(p=prefix) for p in _PATTERNS if p) + _SUPPRESSED_PATTERN.format(
        p=prefix
    )
    out = [_open(width, height, label, "tilemap"), f"<defs>{defs}</defs>"]
    for tile in tiles:
        if tile.code not in GRID:
            continue
        col, row = GRID[tile.code]
        x, y = col * (size + gap), row * (size + gap)
        name = escape(tile.name)
        if tile.value is None or not bounds:
            fill, pattern, ink = "#fff", f"url(#{prefix}-sup)", "#000"
        else:
            k = class_of(tile.value, bounds)
            fill, ink = CLASS_COLOURS[k], _CLASS_INK[k]
            pattern = f"url(#{prefix}-c{k + 1})" if k else ""
        css = "tile caution" if tile.caution else "tile"
        shape = (
            f'<rect class="{css}" x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" '
            f'height="{_n(size)}" fill="{fill}"/>'
        )
        if pattern:
            shape += (
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" height="{_n(size)}" '
                f'fill="{pattern}" pointer-events="none"/>'
            )
        body = (
            f"<title>{name}: {escape(tile.text)}</title>{shape}"
            f'<text class="abbr" x="{_n(x + size / 2)}" y="{_n(y + 20)}" fill="{ink}" '
            f'text-anchor="middle">{escape(SHORT_NAMES.get(tile.code, tile.code))}</text>'
            f'<text class="tval" x="{_n(x + size / 2)}" y="{_n(y + 42)}" fill="{ink}" '
            f'text-anchor="middle">{escape(tile.text)}</text>'
        )
        if tile.href:
            out.append(f'<a href="{escape(tile.href)}" data-code="{tile.code}">{body}</a>')
        else:
            out.append(f'<g class="tile-g" data-code="{tile.code}">{body}</g>')
    out.append(
        f'<text class="legend-title" x="{_n(legend_x)}" y="16">{escape(legend_title)}</text>'
    )
    for i, (low, high) in enumerate(bounds):
        ly = 28 + i * 26
        pattern = (
            f'<rect x="{_n(legend_x)}" y="{ly}" width="20" height="20" '
            f'fill="url(#{prefix}-c{i + 1})"/>'
            if i
            else ""
        )
        out.append(
            f'<rect class="tile" x="{_n(legend_x)}" y="{ly}" width="20" height="20" '
            f'fill="{CLASS_COLOURS[i]}"/>{pattern}'
            f'<text class="tick" x="{_n(legend_x + 28)}" y="{ly + 15}">'
            f"{low:g} – {high:g}</text>"
        )
    ly = 28 + len(bounds) * 26
    out.append(
        f'<rect class="tile" x="{_n(legend_x)}" y="{ly}" width="20" height="20" fill="#fff"/>'
        f'<rect x="{_n(legend_x)}" y="{ly}" width="20" height="20" fill="url(#{prefix}-sup)"/>'
        f'<text class="tick" x="{_n(legend_x + 28)}" y="{ly + 15}">'
        f"{escape(suppressed_label)}</text>"
    )
    ly += 26
    out.append(
        f'<rect class="tile caution" x="{_n(legend_x)}" y="{ly}" width="20" height="20" '
        f'fill="#fff"/><text class="tick" x="{_n(legend_x + 28)}" y="{ly + 15}">'
        f"{escape(caution_label)}</text></svg>"
    )
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
