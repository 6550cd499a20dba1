"""Score a pair of records with a trained Splink model, in plain Python.

Splink's own real-time calls (``linker.inference.compare_two_records``,
``find_matches_to_new_records``) build and run a DuckDB query per call: tens of
milliseconds before any record is compared (``bench/bench_matching.py`` measures it), so
they cannot serve a candidate search with p95 < 50 ms. This module reads the saved model
(``model.json``) and reproduces Splink's arithmetic exactly:

* every comparison level's SQL condition is compiled into a Python predicate (the forms
  :mod:`baove.linkage.model` writes: exact match, ``IS NULL``, Damerau-Levenshtein and
  Jaro-Winkler thresholds, ``abs(a - b) <= k``, list intersection, ``AND``/``OR``/``NOT``),
  evaluated with SQL's three-valued logic, first matching level wins;
* a level's weight is ``log2(m / u)`` with Splink's clamping and its default m and u for
  untrained levels; term-frequency levels add ``log2(u_exact) - log2(max(tf_l, tf_r))``;
* the pair's weight adds ``log2(lambda / (1 - lambda))``.

A condition of another form makes its comparison unsupported: it is left out of the
score (and listed in :attr:`Model.unsupported`). Plain Python: no Django.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Comparison",
    "Evidence",
    "Level",
    "Model",
    "Score",
    "UnsupportedCondition",
    "damerau_levenshtein",
    "jaro_winkler",
    "load_model",
]

Record = Mapping[str, Any]
Predicate = Callable[[Record, Record], bool | None]
TfLookup = Callable[[str, Any], float | None]

_CLAMP = 1e-300  # Splink's M_U_CLAMP_MIN
_NOT_OBSERVED = 1e-6  # Splink's value for a level never observed in training


class UnsupportedCondition(ValueError):
    """A comparison level's SQL condition this scorer cannot evaluate."""


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity as DuckDB's ``jaro_winkler_similarity`` computes it.

    Prefix scale 0.1 over at most 4 characters, applied when the Jaro similarity exceeds
    0.7 (the rapidfuzz algorithm DuckDB uses), over UTF-8 bytes as DuckDB does (folded
    names are ASCII anyway).
    """
    if a == b:
        return 1.0 if a else 0.0
    if not (a.isascii() and b.isascii()):
        return _jaro_winkler(a.encode(), b.encode())
    return _jaro_winkler(a, b)


def _jaro_winkler(a: str | bytes, b: str | bytes) -> float:
    la, lb = len(a), len(b)
    if not la or not lb:
        return 0.0
    window = max(max(la, lb) // 2 - 1, 0)
    used_b = [False] * lb
    matched_a: list[str | int] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(lb, i + window + 1)):
            if not used_b[j] and b[j] == ch:
                used_b[j] = True
                matched_a.append(ch)
                break
    m = len(matched_a)
    if not m:
        return 0.0
    matched_b = [b[j] for j in range(lb) if used_b[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    sim = (m / la + m / lb + (m - transpositions) / m) / 3
    if sim > 0.7:
        prefix = 0
        for x, y in zip(a[:4], b[:4], strict=False):
            if x != y:
                break
            prefix += 1
        sim += prefix * 0.1 * (1 - sim)
    return sim


def damerau_levenshtein(a: str, b: str) -> int:
    """Unrestricted Damerau-Levenshtein distance, over UTF-8 bytes as DuckDB computes it."""
    if not (a.isascii() and b.isascii()):
        return _damerau_levenshtein(a.encode(), b.encode())
    return _damerau_levenshtein(a, b)


def _damerau_levenshtein(a: str | bytes, b: str | bytes) -> int:
    big = len(a) + len(b)
    d = [[0] * (len(b) + 2) for _ in range(len(a) + 2)]
    d[0][0] = big
    for i in range(len(a) + 1):
        d[i + 1][0], d[i + 1][1] = big, i
    for j in range(len(b) + 1):
        d[0][j + 1], d[1][j + 1] = big, j
    last_row: dict[str | int, int] = {}
    for i in range(1, len(a) + 1):
        last_col = 0
        for j in range(1, len(b) + 1):
            k, col = last_row.get(b[j - 1], 0), last_col
            cost = 1
            if a[i - 1] == b[j - 1]:
                cost, last_col = 0, j
            d[i + 1][j + 1] = min(
                d[i][j] + cost,
                d[i + 1][j] + 1,
                d[i][j + 1] + 1,
                d[k][col] + (i - k - 1) + 1 + (j - col - 1),
            )
        last_row[a[i - 1]] = i
    return d[len(a) + 1][len(b) + 1]


# --- compiling SQL conditions -------------------------------------------------------------

_COL = r'"?([a-z0-9_]+?)_(l|r)"?'
_ATOMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_COL}\s+is\s+null$"), "null"),
    (re.compile(rf"^{_COL}\s*=\s*{_COL}$"), "eq"),
    (re.compile(rf"^damerau_levenshtein\(\s*{_COL}\s*,\s*{_COL}\s*\)\s*<=\s*(\d+)$"), "dl"),
    (
        re.compile(rf"^jaro_winkler_similarity\(\s*{_COL}\s*,\s*{_COL}\s*\)\s*>=\s*([0-9.]+)$"),
        "jw",
    ),
    (re.compile(rf"^abs\(\s*{_COL}\s*-\s*{_COL}\s*\)\s*<=\s*(\d+)$"), "abs"),
    (
        re.compile(
            rf"^array_length\(\s*list_intersect\(\s*{_COL}\s*,\s*{_COL}\s*\)\s*\)\s*>=\s*(\d+)$"
        ),
        "intersect",
    ),
]


def _side(record_l: Record, record_r: Record, column: str, side: str) -> Any:
    value = (record_l if side == "l" else record_r).get(column)
    return None if value is None or value == "" else value


def _strip_parens(text: str) -> str:
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _closing(text, 0) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(text: str, word: str) -> list[str]:
    """Split ``text`` on `` word `` outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    token = f" {word} "
    lower = text.lower()
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth -= 1
        elif not quoted and depth == 0 and lower.startswith(token, i):
            parts.append(text[start:i])
            i += len(token)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def _and(preds: Sequence[Predicate]) -> Predicate:
    def check(left: Record, right: Record) -> bool | None:
        unknown = False
        for pred in preds:
            value = pred(left, right)
            if value is False:
                return False
            if value is None:
                unknown = True
        return None if unknown else True

    return check


def _or(preds: Sequence[Predicate]) -> Predicate:
    def check(left: Record, right: Record) -> bool | None:
        unknown = False
        for pred in preds:
            value = pred(left, right)
            if value is True:
                return True
            if value is None:
                unknown = True
        return None if unknown else False

    return check


def _not(pred: Predicate) -> Predicate:
    def check(left: Record, right: Record) -> bool | None:
        value = pred(left, right)
        return None if value is None else not value

    return check


def _atom(kind: str, g: tuple[str, ...]) -> Predicate:
    if kind == "null":
        col, side = g[0], g[1]
        return lambda left, right: _side(left, right, col, side) is None
    a, sa, b, sb = g[0], g[1], g[2], g[3]
    arg = g[4] if len(g) > 4 else ""

    def pair(left: Record, right: Record) -> tuple[Any, Any]:
        return _side(left, right, a, sa), _side(left, right, b, sb)

    if kind == "eq":

        def eq(left: Record, right: Record) -> bool | None:
            x, y = pair(left, right)
            return None if x is None or y is None else x == y

        return eq
    if kind == "dl":
        limit = int(arg)

        def dl(left: Record, right: Record) -> bool | None:
            x, y = pair(left, right)
            if x is None or y is None:
                return None
            if abs(len(x) - len(y)) > limit:
                return False
            return damerau_levenshtein(str(x), str(y)) <= limit

        return dl
    if kind == "jw":
        threshold = float(arg)

        def jw(left: Record, right: Record) -> bool | None:
            x, y = pair(left, right)
            return None if x is None or y is None else jaro_winkler(str(x), str(y)) >= threshold

        return jw
    if kind == "abs":
        limit = int(arg)

        def near(left: Record, right: Record) -> bool | None:
            x, y = pair(left, right)
            return None if x is None or y is None else abs(int(x) - int(y)) <= limit

        return near
    minimum = int(arg)

    def intersect(left: Record, right: Record) -> bool | None:
        x, y = pair(left, right)
        if x is None or y is None:
            return None
        return len(set(x) & set(y)) >= minimum

    return intersect


def compile_condition(sql: str) -> Predicate:
    """Compile one comparison level's SQL condition into a three-valued predicate.

    Raises:
        UnsupportedCondition: A form this module does not know.
    """
    text = _strip_parens(" ".join(sql.split()))
    ors = _split_top(text, "or")
    if len(ors) > 1:
        return _or([compile_condition(p) for p in ors])
    ands = _split_top(text, "and")
    if len(ands) > 1:
        return _and([compile_condition(p) for p in ands])
    if text.lower().startswith("not "):
        return _not(compile_condition(text[4:]))
    lowered = text.lower()
    for pattern, kind in _ATOMS:
        match = pattern.match(lowered)
        if match:
            return _atom(kind, match.groups())
    raise UnsupportedCondition(sql)


# --- the model ------------------------------------------------------------------------------


def _default_m(n: int) -> list[float]:
    rest = (1 - 0.95) / (n - 1) if n > 1 else 0.0
    return [rest] * (n - 1) + [0.95]


def _default_u(n: int) -> list[float]:
    # Splink's defaults: weights spread from -5 to 3, and 10 for the first level.
    m = _default_m(n)
    if n == 2:
        weights = [-5.0]
    else:
        steps = n - 2
        weights = [-5 + 8 * i / steps for i in range(n - 1)] if steps else [-5.0]
    weights.append(10.0)
    return [mi / 2**w for mi, w in zip(m, weights, strict=True)]


def _probability(value: Any, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, str):  # Splink's "level not observed"
        return _NOT_OBSERVED
    return float(value)


@dataclass(frozen=True)
class Level:
    """One comparison level, compiled."""

    label: str
    gamma: int
    predicate: Predicate | None  # None: the ELSE level
    weight: float
    is_null: bool = False
    tf_column: str | None = None
    tf_weight: float = 1.0
    tf_minimum: float = 0.0
    log2_u_exact: float = 0.0


@dataclass(frozen=True)
class Comparison:
    """One field's comparison: its output name and levels, first match wins."""

    name: str
    description: str
    levels: tuple[Level, ...]

    def level_of(self, left: Record, right: Record) -> Level:
        """Return the first level whose condition holds (SQL ``CASE WHEN`` semantics)."""
        for level in self.levels:
            if level.predicate is None or level.predicate(left, right) is True:
                return level
        return self.levels[-1]


@dataclass(frozen=True)
class Evidence:
    """What one field contributed to a score."""

    comparison: str
    label: str
    gamma: int
    weight: float


@dataclass(frozen=True)
class Score:
    """A scored pair."""

    match_weight: float
    match_probability: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Model:
    """A Splink model compiled for scoring in Python.

    Attributes:
        prior: ``log2(lambda / (1 - lambda))``.
        comparisons: The comparisons this scorer evaluates.
        unsupported: Output names of comparisons left out (unknown SQL forms).
        tf_columns: Columns with term-frequency adjustments.
    """

    prior: float
    comparisons: tuple[Comparison, ...]
    unsupported: tuple[str, ...] = ()
    tf_columns: tuple[str, ...] = field(default=())

    def score(self, left: Record, right: Record, tf: TfLookup | None = None) -> Score:
        """Score two standardised records (dicts of the linkage model's columns).

        Args:
            left: One record.
            right: The other.
            tf: ``(column, value) -> frequency`` (None when the value is not in the table);
                without it, term-frequency adjustments are left out.

        Returns:
            The match weight and probability, and each field's level and weight.
        """
        total = self.prior
        evidence = []
        for comparison in self.comparisons:
            level = comparison.level_of(left, right)
            weight = level.weight
            if level.tf_column is not None and tf is not None:
                weight += _tf_adjustment(level, left, right, tf)
            total += weight
            evidence.append(Evidence(comparison.name, level.label, level.gamma, weight))
        probability = _weight_to_probability(total)
        return Score(total, probability, tuple(evidence))


def _weight_to_probability(weight: float) -> float:
    if weight > 1000:
        return 1.0
    factor: float = 2.0**weight
    return factor / (1 + factor)


def _tf_adjustment(level: Level, left: Record, right: Record, tf: TfLookup) -> float:
    column = level.tf_column or ""
    tf_l = tf(column, _side(left, right, column, "l"))
    tf_r = tf(column, _side(left, right, column, "r"))
    if tf_l is None and tf_r is None:
        return 0.0
    a = tf_l if tf_l is not None else tf_r
    b = tf_r if tf_r is not None else tf_l
    value = max(a or 0.0, b or 0.0, level.tf_minimum)
    if value <= 0:
        return 0.0
    return level.tf_weight * (level.log2_u_exact - math.log2(value))


def _exact_column(sql: str) -> str | None:
    match = _ATOMS[1][0].match(_strip_parens(" ".join(sql.split())).lower())
    sides = {match.group(2), match.group(4)} if match else set()
    if match and match.group(1) == match.group(3) and sides == {"l", "r"}:
        return match.group(1)
    return None


def _compile_comparison(raw: Mapping[str, Any]) -> Comparison:
    levels_raw = list(raw["comparison_levels"])
    non_null = [lv for lv in levels_raw if not lv.get("is_null_level", False)]
    n = len(non_null)
    m_defaults, u_defaults = _default_m(n), _default_u(n)
    u_of: dict[str, float] = {}
    gammas: list[int] = []
    counter = n - 1
    for lv in levels_raw:
        if lv.get("is_null_level", False):
            gammas.append(-1)
        else:
            gammas.append(counter)
            column = _exact_column(str(lv["sql_condition"]))
            if column is not None and column not in u_of:
                u_of[column] = _probability(lv.get("u_probability"), u_defaults[counter])
            counter -= 1
    levels = []
    for lv, gamma in zip(levels_raw, gammas, strict=True):
        sql = str(lv["sql_condition"])
        label = str(lv.get("label_for_charts") or sql)
        if lv.get("is_null_level", False):
            levels.append(Level(label, -1, compile_condition(sql), 0.0, is_null=True))
            continue
        m = max(_probability(lv.get("m_probability"), m_defaults[gamma]), _CLAMP)
        u = max(_probability(lv.get("u_probability"), u_defaults[gamma]), _CLAMP)
        predicate = None if sql.strip().upper() == "ELSE" else compile_condition(sql)
        tf_column = lv.get("tf_adjustment_column")
        tf_weight = float(lv.get("tf_adjustment_weight", 1.0))
        kwargs: dict[str, Any] = {}
        if tf_column and tf_weight != 0 and predicate is not None:
            column = str(tf_column)
            if lv.get("disable_tf_exact_match_detection"):
                u_exact = u
            elif column in u_of:
                u_exact = max(u_of[column], _CLAMP)
            else:
                raise UnsupportedCondition(f"no exact match level for {column}")
            kwargs = {
                "tf_column": column,
                "tf_weight": tf_weight,
                "tf_minimum": float(lv.get("tf_minimum_u_value", 0.0)),
                "log2_u_exact": math.log2(u_exact),
            }
        levels.append(Level(label, gamma, predicate, math.log2(m / u), **kwargs))
    return Comparison(
        str(raw["output_column_name"]), str(raw.get("comparison_description", "")), tuple(levels)
    )


def load_model(model: Mapping[str, Any]) -> Model:
    """Compile a saved Splink model (the dict of ``model.json``).

    Raises:
        ValueError: No usable ``probability_two_random_records_match`` or comparisons.
    """
    try:
        lam = float(model["probability_two_random_records_match"])
        raw_comparisons = list(model["comparisons"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("not a Splink model: missing lambda or comparisons") from exc
    if not 0.0 < lam < 1.0:
        raise ValueError("probability_two_random_records_match must be between 0 and 1")
    comparisons, unsupported, tf_columns = [], [], []
    for raw in raw_comparisons:
        try:
            compiled = _compile_comparison(raw)
        except (UnsupportedCondition, KeyError) as exc:
            unsupported.append(str(raw.get("output_column_name", exc)))
            continue
        comparisons.append(compiled)
        for level in compiled.levels:
            if level.tf_column and level.tf_column not in tf_columns:
                tf_columns.append(level.tf_column)
    return Model(
        prior=math.log2(lam / (1 - lam)),
        comparisons=tuple(comparisons),
        unsupported=tuple(unsupported),
        tf_columns=tuple(tf_columns),
    )
