"""Old (pre-July-2025) to new commune and province codes, keeping ambiguity.

On 1 July 2025 the ~10,000 communes of the 63 provinces became 3,321 communes of 34
provinces. Most old communes went whole into one new commune, but some were split among
several: such an old code maps to *all* its new candidates, never to a guess.

The tables under ``data/`` come from the conversion table of the National Statistics Office
as shipped by ``vietnam-provinces`` 2026.9.0 (see ``data/README.md``). New commune codes were
taken from one of the merged old communes, so a five-digit code alone does not say which
vintage it is: :func:`detect_vintage` decides per column (a column of new codes has nearly
every value in the 2025 list; a legacy column has about two thirds outside it).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from baove.core.text import fold

__all__ = [
    "CommuneMapping",
    "CommuneTables",
    "Vintage",
    "candidates_2025",
    "detect_vintage",
    "map_communes",
    "map_provinces",
    "normalise_code",
    "province_2025",
    "tables",
]

Vintage = Literal["auto", "2025", "legacy"]
_DATA = Path(__file__).parent / "data"
# Share of values that must be valid 2025 codes for a column to count as 2025 codes; a
# legacy column has only about a third of its codes in the 2025 list.
_NEW_SHARE = 0.995
# Share of values that must be known old codes, and at most this share 2025 codes, for
# "legacy" (about a third of old codes, row-weighted, are also 2025 codes).
_OLD_SHARE = 0.98
_NEW_SHARE_IN_LEGACY = 0.5
_PROVINCE_PREFIXES = ("thanh pho ", "tinh ", "tp ")
# Names still common in records but absent from the official lists.
_PROVINCE_ALIASES = {"thua thien hue": "46", "hcm": "79", "tphcm": "79", "sai gon": "79"}


@dataclasses.dataclass(frozen=True)
class CommuneTables:
    """The code tables, loaded once.

    Attributes:
        new_province: 2025 commune code -> 2025 province code (3,321 communes).
        new_name: 2025 commune code -> name.
        old_to_new: Old commune code -> its 2025 candidates (empty when the official table
            gives none: a few communes merged just before 2025).
        old_province: Old commune code -> old (63-province) province code.
        old_name: Old commune code -> name.
        province_to_new: Old or new province code -> 2025 province codes, main one first.
        province_by_name: Folded province name (old or new, without "tinh"/"thanh pho")
            -> 2025 province code.
    """

    new_province: dict[str, str]
    new_name: dict[str, str]
    old_to_new: dict[str, tuple[str, ...]]
    old_province: dict[str, str]
    old_name: dict[str, str]
    province_to_new: dict[str, tuple[str, ...]]
    province_by_name: dict[str, str]


def _strip_province_prefix(name: str) -> str:
    folded = fold(name)
    for prefix in _PROVINCE_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


@functools.cache
def tables() -> CommuneTables:
    """Return the code tables (read from the CSV files on first use)."""
    new_province: dict[str, str] = {}
    new_name: dict[str, str] = {}
    with (_DATA / "communes_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            new_province[row["code"]] = row["province_code"]
            new_name[row["code"]] = row["name"]
    old_to_new: dict[str, tuple[str, ...]] = {}
    old_province: dict[str, str] = {}
    old_name: dict[str, str] = {}
    with (_DATA / "communes_legacy_to_2025.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["old_code"]
            old_to_new[code] = tuple(row["new_codes"].split())
            old_province[code] = row["old_province_code"]
            old_name[code] = row["old_name"]
    province_to_new: dict[str, tuple[str, ...]] = {}
    by_name: dict[str, str] = {}
    with (_DATA / "provinces.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # Legacy rows hold every one of the 63 codes, including the 34 kept ones (which map to
    # themselves first), so one table serves codes of either vintage.
    for row in rows:
        new_codes = tuple(row["new_codes"].split())
        if row["vintage"] == "legacy":
            province_to_new[row["code"]] = new_codes
        # New names win over an old province of the same name (it kept its name).
        by_name.setdefault(_strip_province_prefix(row["name"]), new_codes[0])
    for alias, code in _PROVINCE_ALIASES.items():
        by_name.setdefault(alias, code)
    return CommuneTables(
        new_province, new_name, old_to_new, old_province, old_name, province_to_new, by_name
    )


def normalise_code(value: object, width: int = 5) -> str | None:
    """Return a code as zero-padded digits, or None when it is not a code.

    Accepts ``4``, ``"4"``, ``"00004"``, ``4.0`` and ``"4.0"`` (numbers read by a
    spreadsheet lose their leading zeros and may gain a decimal part).
    """
    if value is None or (isinstance(value, float) and value != value):  # NaN
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text or not text.isascii() or not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)


def detect_vintage(
    codes: Iterable[str | None], weights: Iterable[int] | None = None
) -> Literal["2025", "legacy", "mixed"]:
    """Guess whether a column holds 2025 codes, old codes or a mix.

    Args:
        codes: Normalised five-digit codes (None for missing).
        weights: How many rows hold each code (1 each when omitted).

    Returns:
        ``"2025"`` when nearly all codes are 2025 codes, ``"legacy"`` when nearly all are
        old codes and many are not 2025 codes, else ``"mixed"`` (decided row by row).
    """
    t = tables()
    n = new = old = 0
    for code, weight in zip(codes, weights if weights is not None else _ones(), strict=False):
        if code is None:
            continue
        n += weight
        new += weight if code in t.new_province else 0
        old += weight if code in t.old_to_new else 0
    if n == 0:
        return "2025"
    new_share, old_share = new / n, old / n
    if new_share >= _NEW_SHARE:
        return "2025"
    if old_share >= _OLD_SHARE and new_share <= _NEW_SHARE_IN_LEGACY:
        return "legacy"
    return "mixed"


def candidates_2025(code: str, vintage: Literal["2025", "legacy", "mixed"]) -> tuple[str, ...]:
    """Return the possible 2025 commune codes of a normalised code read as ``vintage``.

    A ``"mixed"`` code valid in both lists keeps both readings.
    """
    t = tables()
    if vintage == "2025":
        return (code,) if code in t.new_province else ()
    if vintage == "legacy":
        return t.old_to_new.get(code, ())
    both = set(t.old_to_new.get(code, ()))
    if code in t.new_province:
        both.add(code)
    return tuple(sorted(both))


def province_2025(code: str) -> str | None:
    """Return the 2025 province of a 2025 commune code."""
    return tables().new_province.get(code)


@dataclasses.dataclass(frozen=True)
class CommuneMapping:
    """Result of :func:`map_communes`, one entry per input row.

    Attributes:
        commune: The 2025 code when there is exactly one candidate, else None.
        candidates: All possible 2025 codes (sorted; empty when unknown).
        province: The 2025 province when all candidates agree (or, for an old code without
            candidates, the new province of its old province), else None.
        vintage: The vintage used (``"2025"``, ``"legacy"`` or ``"mixed"``).
    """

    commune: list[str | None]
    candidates: list[list[str]]
    province: list[str | None]
    vintage: str


def map_communes(values: pd.Series, vintage: Vintage = "auto") -> CommuneMapping:
    """Map a column of commune codes to 2025 codes, keeping every candidate.

    Work is done once per distinct value, so a million rows cost a few thousand lookups.

    Args:
        values: Commune codes as typed (strings or numbers); names are not recognised.
        vintage: ``"2025"``, ``"legacy"`` or ``"auto"`` (see :func:`detect_vintage`).

    Returns:
        A :class:`CommuneMapping` aligned with ``values``.
    """
    t = tables()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = [normalise_code(u) for u in uniques.tolist()]
    used: Literal["2025", "legacy", "mixed"]
    if vintage == "auto":
        # Shares are row shares: a frequent code weighs as much as its rows.
        used = detect_vintage(norm, np.bincount(codes[codes >= 0], minlength=len(norm)).tolist())
    else:
        used = vintage
    per_commune: list[str | None] = []
    per_candidates: list[list[str]] = []
    per_province: list[str | None] = []
    for code in norm:
        cands = list(candidates_2025(code, used)) if code is not None else []
        per_candidates.append(cands)
        per_commune.append(cands[0] if len(cands) == 1 else None)
        provinces = {t.new_province[c] for c in cands}
        if len(provinces) == 1:
            per_province.append(provinces.pop())
        elif not cands and code is not None and code in t.old_province and used != "2025":
            per_province.append(t.province_to_new[t.old_province[code]][0])
        else:
            per_province.append(None)
    commune = _take(per_commune, codes)
    province = _take(per_province, codes)
    candidates = [list(per_candidates[i]) if i >= 0 else [] for i in codes.tolist()]
    return CommuneMapping(commune, candidates, province, used)


def map_provinces(values: pd.Series) -> list[str | None]:
    """Map province codes (old or new, 1 to 3 digits) or names to 2025 province codes.

    Old provinces map to the new province that received most of their communes.
    """
    t = tables()
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out: list[str | None] = []
    for value in uniques.tolist():
        code = normalise_code(value, width=3)
        if code is not None:
            new = t.province_to_new.get(code[1:]) if code[0] == "0" else None
            out.append(new[0] if new else None)
        else:
            out.append(t.province_by_name.get(_strip_province_prefix(str(value))))
    return _take(out, codes)


def _ones() -> Iterator[int]:
    while True:
        yield 1


def _take(per_unique: Sequence[str | None], codes: np.ndarray) -> list[str | None]:
    return [per_unique[i] if i >= 0 else None for i in codes.tolist()]
