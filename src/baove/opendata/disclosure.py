"""Statistical disclosure control for the public tables: the cell-key method.

The design follows the Australian Bureau of Statistics' cell-key method (the perturbation
behind TableBuilder; Fraser and Wooton 2005, Thompson, Broadfoot and Elazar 2013) as
recommended for frequency tables by Eurostat's *Handbook on Statistical Disclosure Control*
(chapter 5, "Frequency tables") and used for the 2021 EU census hypercubes:

1. Every record (case, referral, placement) gets a fixed pseudo-random **record key**, an
   integer in ``[0, M)``. It is a secret keyed hash of the record's id, computed inside the
   SQL aggregate (see :func:`record_key_sql`), so it never has to be stored and is the same
   in every table and on every day.
2. The **cell key** of a cell is the sum of its records' keys modulo ``M``. The same set of
   records therefore always gives the same cell key, whatever query produced the cell; a
   set that differs by one record gives an unrelated cell key.
3. The **perturbation** of a cell is looked up from its cell key in a fixed table
   (:data:`PTABLE`, symmetric, mean 0, variance 2.1): the same cell always gets the same
   noise (repeating a query teaches nothing), two overlapping cells get independent noise
   (subtracting them does not give the difference of the true counts).
4. The perturbed count is **rounded to base 5**, and cells whose true count is below the
   public threshold (``BAOVE_OPEN_MIN_CELL``, 10 by default, zeros included) are
   **suppressed** (published as ``None``, shown as "<10"), so a zero cannot be told from one
   child.

Margins (row, column and grand totals) are cells in their own right: each is perturbed from
its own records' keys rather than added up from the published cells. A total is thus the
same number in every table that shows it, and a suppressed cell cannot be recovered as
"total minus the others": that difference carries the noise of every cell involved.

Written here rather than taken from a library: sdcTable / cellKey (R) and sdcMicro are R
packages; no maintained Python package implements the cell-key method, and the method is a
few lines once the record keys are computed in SQL.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.crypto import salted_hmac

#: The modulus of record and cell keys (a prime, 2**31 - 1).
M = 2_147_483_647
#: Rounding base of every published count.
ROUND_BASE = 5
#: The perturbation table: (noise, probability). Symmetric, so the noise has mean 0.
PTABLE: tuple[tuple[int, float], ...] = (
    (-3, 0.05),
    (-2, 0.10),
    (-1, 0.20),
    (0, 0.30),
    (1, 0.20),
    (2, 0.10),
    (3, 0.05),
)
#: The largest distance between a published count and the true one (noise, then rounding).
MAX_ERROR = max(abs(d) for d, _p in PTABLE) + ROUND_BASE // 2

_BOUNDS: list[float] = []
_acc = 0.0
for _d, _p in PTABLE[:-1]:
    _acc += _p
    _BOUNDS.append(_acc)


def min_cell() -> int:
    """Return the public suppression threshold (``BAOVE_OPEN_MIN_CELL``, default 10)."""
    return int(getattr(settings, "BAOVE_OPEN_MIN_CELL", 10))


@dataclass(frozen=True, slots=True)
class KeyParams:
    """The secret coefficients of the record-key hash ``(a*x*x + b*x + c) mod M``."""

    a: int
    b: int
    c: int


def _secret() -> str:
    # A dedicated setting lets an operator rotate the public keys without the session key,
    # and tests fix it; by default the keys derive from SECRET_KEY (never published).
    return str(getattr(settings, "BAOVE_OPEN_KEY_SALT", "") or settings.SECRET_KEY)


@cache
def _params_for(secret: str, kind: str) -> KeyParams:
    digest = salted_hmac("baove.opendata.record-key." + kind, "keys", secret=secret).digest()
    a, b, c = (int.from_bytes(digest[i : i + 8], "big") % (M - 1) + 1 for i in (0, 8, 16))
    return KeyParams(a, b, c)


def key_params(kind: str) -> KeyParams:
    """Return the record-key coefficients for one kind of record ("case", "referral"...)."""
    return _params_for(_secret(), kind)


def record_key(record_id: int, params: KeyParams) -> int:
    """Return the record key of ``record_id`` (the Python twin of :func:`record_key_sql`)."""
    x = record_id % M
    return ((x * x % M) * params.a + x * params.b + params.c) % M


def record_key_sql(column: str, params: KeyParams) -> str:
    """Return SQL computing the record key of the integer ``column``.

    Every intermediate stays below 2**63, so SQLite's 64-bit integers and PostgreSQL's
    bigint compute it exactly (no overflow to floating point).
    """
    # No "%" operator: inside a query with parameters psycopg reads "%" as a placeholder
    # (and Django's SQLite wrapper rewrites "%%"), so the remainder is written with integer
    # division, which both databases truncate (all values are non-negative).
    x = _mod(f"CAST({column} AS BIGINT)")  # int4 columns would overflow on PostgreSQL
    return _mod(f"{_mod(f'{x} * {x}')} * {params.a} + {x} * {params.b} + {params.c}")


def _mod(expr: str) -> str:
    """SQL for ``expr mod M`` without the ``%`` operator (``expr`` is non-negative)."""
    return f"(({expr}) - (({expr}) / {M}) * {M})"


def perturbation(cell_key: int) -> int:
    """Return the noise the perturbation table gives a cell key."""
    return PTABLE[bisect_right(_BOUNDS, (cell_key % M) / M)][0]


def round_base(value: int, base: int = ROUND_BASE) -> int:
    """Round to the nearest multiple of ``base`` (halves up)."""
    return int((value + base // 2) // base * base)


def protect(count: int, key_sum: int, *, threshold: int | None = None) -> int | None:
    """Return the published value of a cell of ``count`` records whose keys add to ``key_sum``.

    None means suppressed: fewer than ``threshold`` records (zero included). Otherwise the
    count plus its cell-key noise, rounded to base 5 and never below the threshold's
    rounding (a published cell never suggests fewer records than the threshold).
    """
    limit = min_cell() if threshold is None else threshold
    if count < limit:
        return None
    value = round_base(count + perturbation(key_sum))
    return max(value, round_base(limit))
