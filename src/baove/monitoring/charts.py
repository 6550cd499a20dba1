"""Server-rendered SVG charts: accessible, printable, no JavaScript, no external files.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by a
``<desc>`` that reads out the numbers; every bar carries its value as text (colour is never
the only carrier of meaning), and pages show the same numbers in a data table next to it.
Black-on-white strokes print well. Written by hand rather than with matplotlib: a chart here
is a few dozen elements, rendering stays under a millisecond, and the text stays real text
that screen readers, translation and browser search see.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

BAR = "#0b5c8a"  # the site's brand colour (web/baove.css --brand)
INK = "#1d2630"
MUTED = "#5b6570"
LINE = "#cfd6dd"


def _text(value: object) -> str:
    return escape(str(value), quote=True)


def _value_text(value: int | float | None, suppressed: str) -> str:
    if value is None:
        return suppressed
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value:,}".replace(",", "\u202f")  # thin space: reads well in vi and en


def bar_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, int | float | None]],
    suppressed: str = "–",
    width: int = 560,
) -> SafeString:
    """Return a horizontal bar chart of ``(label, value)`` items (None: suppressed).

    Args:
        chart_id: A page-unique id (the title and description are referenced by id).
        title: The chart's title, also its accessible name.
        items: Labels and values, drawn in the order given.
        suppressed: Text shown for a value that is withheld.
        width: Width of the drawing in CSS pixels (it scales down on narrow screens).
    """
    label_w, value_w, bar_h, gap = 190, 70, 18, 6
    height = max(1, len(items)) * (bar_h + gap) + gap
    top = max((v for _l, v in items if v is not None), default=0) or 1
    span = width - label_w - value_w
    desc = "; ".join(f"{label}: {_value_text(v, suppressed)}" for label, v in items)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'style="max-width:{width}px;font-family:inherit">',
        f'<title id="{chart_id}-t">{_text(title)}</title>',
        f'<desc id="{chart_id}-d">{_text(desc)}</desc>',
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        mid = y + bar_h / 2 + 4
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{mid:.0f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{_text(short)}</text>'
        )
        if value is None:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{span}" height="{bar_h}" fill="none" '
                f'stroke="{LINE}" stroke-dasharray="4 3"/>'
            )
            bar_end: float = label_w + 4
        else:
            w = max(1.0, span * float(value) / float(top)) if value else 0.0
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR}" '
                f'stroke="{INK}" stroke-width="0.5"/>'
            )
            bar_end = label_w + w + 4
        parts.append(
            f'<text x="{bar_end:.1f}" y="{mid:.0f}" font-size="12" fill="{INK}">'
            f"{_text(_value_text(value, suppressed))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped


def column_chart(
    *,
    chart_id: str,
    title: str,
    items: Sequence[tuple[str, int | float | None]],
    suppressed: str = "–",
    width: int = 640,
) -> SafeString:
    """Return a vertical column chart (a trend over periods) of ``(label, value)`` items."""
    height, base, top_pad = 220, 180, 18
    n = max(1, len(items))
    slot = (width - 20) / n
    top = max((v for _l, v in items if v is not None), default=0) or 1
    desc = "; ".join(f"{label}: {_value_text(v, suppressed)}" for label, v in items)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'style="max-width:{width}px;font-family:inherit">',
        f'<title id="{chart_id}-t">{_text(title)}</title>',
        f'<desc id="{chart_id}-d">{_text(desc)}</desc>',
        f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{INK}"/>',
    ]
    for i, (label, value) in enumerate(items):
        x = 10 + i * slot
        bw = slot * 0.7
        cx = x + slot / 2
        if value is not None and value:
            h = max(1.0, (base - top_pad) * float(value) / float(top))
            parts.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{base - h:.1f}" width="{bw:.1f}" '
                f'height="{h:.1f}" fill="{BAR}" stroke="{INK}" stroke-width="0.5"/>'
            )
            value_y = base - h - 4
        else:
            value_y = base - 4
        parts.append(
            f'<text x="{cx:.1f}" y="{value_y:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{INK}">{_text(_value_text(value, suppressed))}</text>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{base + 16}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{_text(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
