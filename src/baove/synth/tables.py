"""Weighted lookup tables: the sampling primitive of the generator.

A table repeats each item in proportion to its weight in a list of ``2**16`` entries, so a
draw is one ``getrandbits(16)`` and one index, several times faster than
:func:`random.choices`. Weights are resolved to 1/65,536; any positive weight keeps at
least one entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

__all__ = ["TABLE_BITS", "TABLE_SIZE", "table"]

T = TypeVar("T")

TABLE_BITS = 16
TABLE_SIZE = 1 << TABLE_BITS


def table(items: Sequence[T], weights: Sequence[float]) -> list[T]:
    """Return a lookup table of ``TABLE_SIZE`` entries drawn by ``tbl[getrandbits(16)]``.

    Args:
        items: The values to draw.
        weights: Non-negative weights, one per item (they need not sum to 1).

    Returns:
        A list where each item fills a share of the entries proportional to its weight
        (largest-remainder rounding, at least one entry for a positive weight).

    Raises:
        ValueError: If the lengths differ or no weight is positive.
    """
    if len(items) != len(weights):
        raise ValueError("items and weights differ in length")
    total = float(sum(w for w in weights if w > 0))
    if total <= 0:
        raise ValueError("no positive weight")
    exact = [max(w, 0.0) / total * TABLE_SIZE for w in weights]
    counts = [int(x) for x in exact]
    for i, w in enumerate(weights):
        if w > 0 and counts[i] == 0:
            counts[i] = 1
    short = TABLE_SIZE - sum(counts)
    order = sorted(range(len(items)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    k = 0
    while short > 0:
        i = order[k % len(order)]
        if weights[i] > 0:
            counts[i] += 1
            short -= 1
        k += 1
    while short < 0:
        i = max(range(len(items)), key=lambda j: counts[j])
        counts[i] -= 1
        short += 1
    out: list[T] = []
    for item, n in zip(items, counts, strict=True):
        out.extend([item] * n)
    return out
