"""Rules files: what they contain, how they are read, and the errors a bad file gets.

A rules file is TOML (see ``data/rules-2026.1.toml`` and ``docs/screening.md``). Reading one
checks everything at once and raises :class:`RulesError` listing every problem, each with
where it is and a message in English and Vietnamese, so an administrator can fix a file in one
go. Nothing here imports Django: the same rules run in the web app, in batch jobs and in SQL.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from baove.riskrules.items import CHOICE, ITEMS

#: Risk levels, lowest first (the values of ``baove.cases.vocab.RiskLevel``).
LEVELS: tuple[str, ...] = ("low", "medium", "high", "urgent")
LEVEL_RANK: dict[str, int] = {level: i for i, level in enumerate(LEVELS)}
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "low": ("Low", "Thấp"),
    "medium": ("Medium", "Trung bình"),
    "high": ("High", "Cao"),
    "urgent": ("Urgent", "Khẩn cấp"),
}
#: The rules files format this code reads.
FORMAT = 1
#: The rules file shipped with this release.
DEFAULT_RULES_FILE = "rules-2026.1.toml"

_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TOP_KEYS = {"format", "version", "title_en", "title_vi", "thresholds", "rule"}
_RULE_KEYS = {"id", "all", "any", "points", "at_least", "explain_en", "explain_vi"}
MAX_POINTS = 100
MAX_RULES = 500
MAX_TEXT = 300


def level_label(level: str, lang: str) -> str:
    """The label of a risk level in ``lang`` (``vi`` or English)."""
    en, vi = LEVEL_LABELS[level]
    return vi if lang.startswith("vi") else en


@dataclass(frozen=True)
class Problem:
    """One problem found in a rules file or an answer set.

    Attributes:
        where: Where it is, e.g. ``rule[3] (violence).all[1]`` or an item code.
        en: What is wrong, in English.
        vi: What is wrong, in Vietnamese.
    """

    where: str
    en: str
    vi: str

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``vi`` or English)."""
        return self.vi if lang.startswith("vi") else self.en

    def __str__(self) -> str:
        return f"{self.where}: {self.en} / {self.vi}"


class RulesError(ValueError):
    """A rules file (or an answer set) is not valid; :attr:`problems` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class AnswersError(RulesError):
    """An answer set names unknown items or has answers of the wrong kind."""


@dataclass(frozen=True)
class Condition:
    """A condition on one item: "yes" (``values`` empty) or one of ``values``."""

    item: str
    values: tuple[str, ...] = ()

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition holds; an unanswered item never does."""
        answer = answers.get(self.item)
        if self.values:
            return answer in self.values
        return answer is True


@dataclass(frozen=True)
class Rule:
    """One rule: when its conditions hold it adds points and/or sets a minimum level.

    Attributes:
        id: Stable identifier within the file (lower case, digits, ``_``).
        all: Conditions that must all hold.
        any: Conditions of which at least one must hold (ignored when empty).
        points: Points added to the score.
        at_least: Minimum level (``medium``, ``high``, ``urgent``) or None.
        explain_en: What the rule means, in English.
        explain_vi: What the rule means, in Vietnamese.
    """

    id: str
    all: tuple[Condition, ...]
    any: tuple[Condition, ...]
    points: int
    at_least: str | None
    explain_en: str
    explain_vi: str

    @property
    def items(self) -> tuple[str, ...]:
        """The item codes the rule looks at, in order, each once."""
        return tuple(dict.fromkeys(c.item for c in (*self.all, *self.any)))

    def matches(self, answers: Mapping[str, Any]) -> bool:
        """Whether the rule applies to ``answers``."""
        if not all(c.holds(answers) for c in self.all):
            return False
        return not self.any or any(c.holds(answers) for c in self.any)


@dataclass(frozen=True)
class Rules:
    """A validated rules file.

    Attributes:
        version: The version string stored on every screening made with these rules.
        title_en: Title in English.
        title_vi: Title in Vietnamese.
        thresholds: Minimum score per level (``medium``, ``high``, optional ``urgent``).
        rules: The rules, in file order (reasons are listed in this order).
        text: The file's text, as read.
    """

    version: str
    title_en: str
    title_vi: str
    thresholds: dict[str, int]
    rules: tuple[Rule, ...]
    text: str = field(default="", repr=False, compare=False)

    def by_id(self) -> dict[str, Rule]:
        """The rules by id."""
        return {r.id: r for r in self.rules}

    def score_level(self, score: int) -> str:
        """The level a score alone reaches."""
        reached = "low"
        for level in LEVELS[1:]:
            threshold = self.thresholds.get(level)
            if threshold is not None and score >= threshold:
                reached = level
        return reached


def _bi(where: str, en: str, vi: str) -> Problem:
    return Problem(where, en, vi)


def _condition(raw: Any, where: str, problems: list[Problem]) -> Condition | None:
    if isinstance(raw, str):
        item = ITEMS.get(raw)
        if item is None:
            problems.append(_bi(where, f"unknown item “{raw}”.", f"không có mục “{raw}”."))
            return None
        if item.answer_type == CHOICE:
            problems.append(
                _bi(
                    where,
                    f'item “{raw}” has options: write {{item = "{raw}", in = [...]}}.',
                    f'mục “{raw}” có nhiều lựa chọn: viết {{item = "{raw}", in = [...]}}.',
                )
            )
            return None
        return Condition(raw)
    if isinstance(raw, dict):
        extra = set(raw) - {"item", "in"}
        code, values = raw.get("item"), raw.get("in")
        item = ITEMS.get(code) if isinstance(code, str) else None
        if extra:
            problems.append(
                _bi(
                    where,
                    f"unknown key(s) {', '.join(sorted(extra))}.",
                    f"khóa không hợp lệ: {', '.join(sorted(extra))}.",
                )
            )
            return None
        if item is None:
            problems.append(_bi(where, f"unknown item “{code}”.", f"không có mục “{code}”."))
            return None
        if item.answer_type != CHOICE:
            problems.append(
                _bi(
                    where,
                    f'item “{code}” is answered yes or no: write just "{code}".',
                    f'mục “{code}” chỉ trả lời có hoặc không: chỉ viết "{code}".',
                )
            )
            return None
        if (
            not isinstance(values, list)
            or not values
            or any(not isinstance(v, str) or v not in item.values for v in values)
        ):
            allowed = ", ".join(item.values)
            problems.append(
                _bi(
                    where,
                    f"“in” must list options of “{code}”: {allowed}.",
                    f"“in” phải liệt kê các lựa chọn của “{code}”: {allowed}.",
                )
            )
            return None
        return Condition(item.code, tuple(dict.fromkeys(values)))
    problems.append(
        _bi(
            where,
            "a condition is an item code or {item = ..., in = [...]}.",
            "điều kiện phải là mã mục hoặc {item = ..., in = [...]}.",
        )
    )
    return None


def _text(raw: Mapping[str, Any], key: str, where: str, problems: list[Problem]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        problems.append(
            _bi(
                f"{where}.{key}",
                f"required text of at most {MAX_TEXT} characters.",
                f"bắt buộc, tối đa {MAX_TEXT} ký tự.",
            )
        )
        return ""
    return value.strip()


def _rule(raw: Any, index: int, seen: set[str], problems: list[Problem]) -> Rule | None:
    where = f"rule[{index + 1}]"
    if not isinstance(raw, dict):
        problems.append(_bi(where, "a rule must be a table.", "mỗi quy tắc phải là một bảng."))
        return None
    rid = raw.get("id")
    if not isinstance(rid, str) or not _ID_RE.match(rid):
        problems.append(
            _bi(
                f"{where}.id",
                "required: lower-case letters, digits and _ (at most 40).",
                "bắt buộc: chữ thường, chữ số và _ (tối đa 40 ký tự).",
            )
        )
        rid = ""
    elif rid in seen:
        problems.append(
            _bi(f"{where}.id", f"the id “{rid}” is used twice.", f"mã “{rid}” bị dùng hai lần.")
        )
    else:
        seen.add(rid)
    if rid:
        where = f"{where} ({rid})"
    problems_before = len(problems)
    extra = set(raw) - _RULE_KEYS
    if extra:
        problems.append(
            _bi(
                where,
                f"unknown key(s) {', '.join(sorted(extra))}.",
                f"khóa không hợp lệ: {', '.join(sorted(extra))}.",
            )
        )
    groups: dict[str, list[Condition]] = {"all": [], "any": []}
    for key in ("all", "any"):
        value = raw.get(key, [])
        if not isinstance(value, list):
            problems.append(
                _bi(
                    f"{where}.{key}",
                    "must be a list of conditions.",
                    "phải là danh sách điều kiện.",
                )
            )
            continue
        for j, cond in enumerate(value):
            parsed = _condition(cond, f"{where}.{key}[{j + 1}]", problems)
            if parsed is not None:
                groups[key].append(parsed)
    if not raw.get("all") and not raw.get("any"):
        problems.append(
            _bi(
                where,
                "needs at least one condition in “all” or “any”.",
                "cần ít nhất một điều kiện trong “all” hoặc “any”.",
            )
        )
    points = raw.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= MAX_POINTS:
        problems.append(
            _bi(
                f"{where}.points",
                f"a whole number from 0 to {MAX_POINTS}.",
                f"phải là số nguyên từ 0 đến {MAX_POINTS}.",
            )
        )
        points = 0
    at_least = raw.get("at_least")
    if at_least is not None and at_least not in LEVELS[1:]:
        problems.append(
            _bi(
                f"{where}.at_least",
                "one of medium, high, urgent.",
                "phải là một trong medium, high, urgent.",
            )
        )
        at_least = None
    if not points and at_least is None and len(problems) == problems_before:
        problems.append(
            _bi(
                where,
                "gives neither points nor “at_least”: it would change nothing.",
                "không cộng điểm và không có “at_least”: quy tắc không có tác dụng.",
            )
        )
    explain_en = _text(raw, "explain_en", where, problems)
    explain_vi = _text(raw, "explain_vi", where, problems)
    if len(problems) != problems_before:
        return None
    return Rule(
        id=rid,
        all=tuple(groups["all"]),
        any=tuple(groups["any"]),
        points=points,
        at_least=at_least,
        explain_en=explain_en,
        explain_vi=explain_vi,
    )


def _thresholds(raw: Any, problems: list[Problem]) -> dict[str, int]:
    if not isinstance(raw, dict):
        problems.append(
            _bi(
                "thresholds",
                "required table with “medium” and “high” (and optionally “urgent”).",
                "bắt buộc có bảng với “medium” và “high” (có thể thêm “urgent”).",
            )
        )
        return {}
    out: dict[str, int] = {}
    for key, value in raw.items():
        if key not in LEVELS[1:]:
            problems.append(_bi(f"thresholds.{key}", "unknown level.", "mức nguy cơ không hợp lệ."))
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000:
            problems.append(
                _bi(
                    f"thresholds.{key}",
                    "a whole number from 1 to 10000.",
                    "phải là số nguyên từ 1 đến 10000.",
                )
            )
        else:
            out[key] = value
    for key in ("medium", "high"):
        if key not in raw:
            problems.append(_bi(f"thresholds.{key}", "required.", "bắt buộc."))
    ordered = [out[k] for k in LEVELS[1:] if k in out]
    if any(a >= b for a, b in itertools.pairwise(ordered)):
        problems.append(
            _bi(
                "thresholds",
                "must increase: medium < high < urgent.",
                "phải tăng dần: medium < high < urgent.",
            )
        )
    return out


def parse_rules(text: str) -> Rules:
    """Read and validate the text of a rules file.

    Args:
        text: TOML text.

    Returns:
        The rules.

    Raises:
        RulesError: Listing every problem found (bilingual messages).
    """
    if not isinstance(text, str) or not text.strip():
        raise RulesError([_bi("file", "the rules file is empty.", "tệp quy tắc trống.")])
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(
            [_bi("file", f"not valid TOML: {exc}.", f"không đúng cú pháp TOML: {exc}.")]
        ) from None
    problems: list[Problem] = []
    extra = set(raw) - _TOP_KEYS
    if extra:
        problems.append(
            _bi(
                "file",
                f"unknown key(s) {', '.join(sorted(extra))}.",
                f"khóa không hợp lệ: {', '.join(sorted(extra))}.",
            )
        )
    if raw.get("format") != FORMAT:
        problems.append(
            _bi("format", f"must be {FORMAT} (this version of baove).", f"phải là {FORMAT}.")
        )
    version = raw.get("version")
    if not isinstance(version, str) or not _VERSION_RE.match(version):
        problems.append(
            _bi(
                "version",
                "required: letters, digits, “.”, “-”, “_” (at most 40), e.g. 2026.1.",
                "bắt buộc: chữ, số, “.”, “-”, “_” (tối đa 40 ký tự), ví dụ 2026.1.",
            )
        )
        version = ""
    titles = {k: raw.get(k, "") for k in ("title_en", "title_vi")}
    for key, value in titles.items():
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            problems.append(
                _bi(key, f"text of at most {MAX_TEXT} characters.", f"tối đa {MAX_TEXT} ký tự.")
            )
            titles[key] = ""
    thresholds = _thresholds(raw.get("thresholds"), problems)
    raw_rules = raw.get("rule")
    rules: list[Rule] = []
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(
            _bi("rule", "at least one [[rule]] is required.", "cần ít nhất một [[rule]].")
        )
    elif len(raw_rules) > MAX_RULES:
        problems.append(_bi("rule", f"at most {MAX_RULES} rules.", f"tối đa {MAX_RULES} quy tắc."))
    else:
        seen: set[str] = set()
        for i, item in enumerate(raw_rules):
            parsed = _rule(item, i, seen, problems)
            if parsed is not None:
                rules.append(parsed)
    if problems:
        raise RulesError(problems)
    return Rules(
        version=version,
        title_en=titles["title_en"],
        title_vi=titles["title_vi"],
        thresholds=thresholds,
        rules=tuple(rules),
        text=text,
    )


def load_rules(path: str | Path) -> Rules:
    """Read and validate a rules file from disk.

    Raises:
        RulesError: The file cannot be read (as UTF-8) or is not valid.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(
            [_bi(str(path), f"cannot read the file: {exc}.", f"không đọc được tệp: {exc}.")]
        ) from None
    return parse_rules(text)


def default_rules_text() -> str:
    """The text of the rules file shipped with this release."""
    return (resources.files("baove.riskrules.data") / DEFAULT_RULES_FILE).read_text("utf-8")


def default_rules() -> Rules:
    """The rules shipped with this release (version 2026.1)."""
    return parse_rules(default_rules_text())


def clean_answers(answers: Mapping[str, Any]) -> dict[str, bool | str | None]:
    """Check an answer set against the checklist and return it in canonical form.

    ``yes_no`` answers are True, False or None (not known); ``choice`` answers one of the
    item's options or None. Absent items are left out.

    Raises:
        AnswersError: Unknown item codes or answers of the wrong kind (every one listed).
    """
    if not isinstance(answers, Mapping):
        raise AnswersError([_bi("answers", "must be an object.", "phải là một đối tượng.")])
    problems: list[Problem] = []
    out: dict[str, bool | str | None] = {}
    for code, value in answers.items():
        item = ITEMS.get(code) if isinstance(code, str) else None
        if item is None:
            problems.append(
                _bi(str(code)[:60], "not an item of the checklist.", "không có trong bảng kiểm.")
            )
        elif value is None:
            out[code] = None
        elif item.answer_type == CHOICE:
            if isinstance(value, str) and value in item.values:
                out[code] = value
            else:
                allowed = ", ".join(item.values)
                problems.append(
                    _bi(code, f"choose one of: {allowed}.", f"hãy chọn một trong: {allowed}.")
                )
        elif isinstance(value, bool):
            out[code] = value
        else:
            problems.append(_bi(code, "answer yes or no.", "hãy trả lời có hoặc không."))
    if problems:
        raise AnswersError(problems)
    return out
