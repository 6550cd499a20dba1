"""Charts of the PDF reports, drawn with matplotlib (Agg, no display, no pyplot state).

Figures are built with :class:`matplotlib.figure.Figure` directly rather than ``pyplot``, so
that web requests drawing charts in threads share no global state. Bars and lines carry
their values and differ by pattern and marker too, not by colour alone.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Bar", "Point", "indicator_figure", "province_trends"]

DPI = 100
#: Colour-blind safe (Okabe-Ito) with hatches so print in black and white still reads.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
HATCHES = ("", "//", "..", "xx", "\\\\", "--")


@dataclass(frozen=True)
class Point:
    """One point of a trend: label (round), value (shown scale), CI, shown text."""

    label: str
    value: float
    low: float
    high: float
    text: str


@dataclass(frozen=True)
class Bar:
    """One bar: its group (the disaggregation), label, value (NaN: not shown) and text."""

    group: str
    label: str
    value: float
    text: str


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _trend(ax: object, points: Sequence[Point], title: str, ylabel: str) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    ax.set_title(title, fontsize=9, loc="left")
    shown = [p for p in points if not math.isnan(p.value)]
    if shown:
        x = list(range(len(shown)))
        values = [p.value for p in shown]
        err = [
            [max(0.0, p.value - p.low) if not math.isnan(p.low) else 0.0 for p in shown],
            [max(0.0, p.high - p.value) if not math.isnan(p.high) else 0.0 for p in shown],
        ]
        ax.errorbar(x, values, yerr=err, color=COLOURS[0], marker="o", capsize=3, lw=1.5)
        for xi, p in zip(x, shown, strict=True):
            ax.annotate(p.text, (xi, p.value), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=7)  # fmt: skip
        ax.set_xticks(x, [p.label for p in shown], rotation=30, ha="right", fontsize=7)
    ax.set_ylabel(ylabel, fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.grid(axis="y", alpha=0.3)


def _bars(ax: object, bars: Sequence[Bar], title: str, *, horizontal: bool = False) -> None:
    from matplotlib.axes import Axes

    assert isinstance(ax, Axes)
    ax.set_title(title, fontsize=9, loc="left")
    groups = list(dict.fromkeys(b.group for b in bars))
    positions = list(range(len(bars)))
    values = [0.0 if math.isnan(b.value) else b.value for b in bars]
    colours = [COLOURS[groups.index(b.group) % len(COLOURS)] for b in bars]
    hatches = [HATCHES[groups.index(b.group) % len(HATCHES)] for b in bars]
    labels = [b.label for b in bars]
    if horizontal:
        drawn = ax.barh(positions, values, color=colours, edgecolor="black", linewidth=0.4)
        ax.set_yticks(positions, labels, fontsize=6)
        ax.invert_yaxis()
        ax.tick_params(axis="x", labelsize=7)
    else:
        drawn = ax.bar(positions, values, color=colours, edgecolor="black", linewidth=0.4)
        ax.set_xticks(positions, labels, rotation=45, ha="right", fontsize=6)
        ax.tick_params(axis="y", labelsize=7)
    for patch, hatch in zip(drawn.patches, hatches, strict=True):
        patch.set_hatch(hatch)
    ax.bar_label(drawn, labels=[b.text for b in bars], fontsize=5.5, padding=1)
    ax.grid(axis="x" if horizontal else "y", alpha=0.3)


def indicator_figure(
    *,
    trend: Sequence[Point],
    bars: Sequence[Bar],
    ranking: Sequence[Bar],
    titles: tuple[str, str, str],
    ylabel: str,
) -> bytes:
    """Draw one indicator's page of charts: trend, disaggregations, provinces ranked.

    Args:
        trend: National values by round.
        bars: Latest round's disaggregations (grouped by ``Bar.group``).
        ranking: Provinces, already sorted.
        titles: Titles of the three panels.
        ylabel: Axis label (unit).

    Returns:
        PNG bytes.
    """
    tall = 3.0 + 0.13 * len(ranking) if ranking else 3.0
    # Fixed margins, not constrained layout: that draws every figure twice (half the time).
    fig = Figure(figsize=(7.2, tall))
    top_inches = 3.0
    grid = fig.add_gridspec(
        2 if ranking else 1, 2, height_ratios=[top_inches - 1.2, tall - top_inches] if ranking
        else [1], left=0.22, right=0.97, top=1 - 0.3 / tall, bottom=0.25 / tall,
        hspace=3.0 / tall if ranking else 0.2, wspace=0.3,
    )  # fmt: skip
    _trend(fig.add_subplot(grid[0, 0]), trend, titles[0], ylabel)
    _bars(fig.add_subplot(grid[0, 1]), bars, titles[1])
    if ranking:
        _bars(fig.add_subplot(grid[1, :]), ranking, titles[2], horizontal=True)
    return _png(fig)


def province_trends(
    panels: Sequence[tuple[str, Sequence[Point], Sequence[Point]]],
    *,
    labels: tuple[str, str],
    ylabel: str,
) -> bytes:
    """Draw small multiples: a province's trend against the national trend, per indicator.

    Args:
        panels: ``(title, province points, national points)`` per indicator.
        labels: Legend labels of the province and national lines.
        ylabel: Axis label.

    Returns:
        PNG bytes.
    """
    cols = 2
    rows = max(1, math.ceil(len(panels) / cols))
    fig = Figure(figsize=(7.2, 2.5 * rows))
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.35 / (2.5 * rows),
                        bottom=0.6 / (2.5 * rows), hspace=0.75, wspace=0.22)  # fmt: skip
    for i, (title, province, national) in enumerate(panels):
        ax = fig.add_subplot(rows, cols, i + 1)
        ax.set_title(textwrap.fill(title, 60), fontsize=7, loc="left")
        every = list(dict.fromkeys([p.label for p in national] + [p.label for p in province]))
        for pts, label, style, marker, colour in (
            (national, labels[1], "--", "s", COLOURS[1]),
            (province, labels[0], "-", "o", COLOURS[0]),
        ):
            shown = [p for p in pts if not math.isnan(p.value)]
            ax.plot([every.index(p.label) for p in shown], [p.value for p in shown],
                    linestyle=style, marker=marker, color=colour, label=label)  # fmt: skip
        ax.set_xticks(range(len(every)), every, rotation=30, ha="right", fontsize=6)
        ax.tick_params(axis="y", labelsize=6)
        ax.set_ylabel(ylabel, fontsize=6)
        ax.grid(axis="y", alpha=0.3)
        if i == 0:
            ax.legend(fontsize=6)
    return _png(fig)
