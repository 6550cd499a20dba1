"""Evaluating the rules on one answer set, with the reasons that produced the level.

The level is never a black box: :class:`Result` lists every rule that applied, the items it
looked at, and what it contributed (points, a minimum level), in the order of the rules file,
plus the total score and the level the score alone reached. The SQL path
(:mod:`baove.riskrules.sql`) computes the same matches and the same level for batches;
:func:`result_from_matches` turns its output back into the same :class:`Result`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from baove.riskrules.items import ITEMS
from baove.riskrules.rules import LEVEL_RANK, LEVELS, Rules, clean_answers, level_label


@dataclass(frozen=True)
class Reason:
    """One rule that applied and what it contributed.

    Attributes:
        rule: The rule id.
        items: The checklist items the rule looks at.
        points: Points it added to the score.
        at_least: The minimum level it set, or None.
        explain_en: The rule's explanation in English.
        explain_vi: The rule's explanation in Vietnamese.
    """

    rule: str
    items: tuple[str, ...]
    points: int
    at_least: str | None
    explain_en: str
    explain_vi: str

    def text(self, lang: str = "en") -> str:
        """The reason in plain words, e.g. ``Out of school and working: at least Medium``."""
        vi = lang.startswith("vi")
        parts: list[str] = []
        if self.points:
            parts.append(f"+{self.points} điểm" if vi else f"+{self.points} points")
        if self.at_least is not None:
            label = level_label(self.at_least, lang)
            parts.append(f"ít nhất mức {label}" if vi else f"at least {label}")
        explain = self.explain_vi if vi else self.explain_en
        return f"{explain}: {', '.join(parts)}"

    def item_labels(self, lang: str = "en") -> list[str]:
        """The labels of the items the rule looks at."""
        return [ITEMS[code].label(lang) for code in self.items]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form (stored on screenings)."""
        return {
            "rule": self.rule,
            "items": list(self.items),
            "points": self.points,
            "at_least": self.at_least,
            "text_en": self.text("en"),
            "text_vi": self.text("vi"),
        }


@dataclass(frozen=True)
class Result:
    """The outcome of screening one answer set.

    Attributes:
        level: The risk level: the higher of the score's level and every rule's minimum.
        score: The total of the points of the rules that applied.
        score_level: The level the score alone reached.
        reasons: The rules that applied, in rules-file order.
        rules_version: The version of the rules used.
    """

    level: str
    score: int
    score_level: str
    reasons: tuple[Reason, ...]
    rules_version: str

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that applied, in order."""
        return tuple(r.rule for r in self.reasons)

    def summary(self, lang: str = "en") -> str:
        """One sentence saying how the level was reached."""
        level = level_label(self.level, lang)
        by_score = level_label(self.score_level, lang)
        if lang.startswith("vi"):
            text = f"Mức {level}: tổng điểm {self.score} (theo điểm: {by_score})"
            if self.level != self.score_level:
                text += "; được nâng lên do quy tắc mức tối thiểu"
            return text + "."
        text = f"{level}: total score {self.score} (by score alone: {by_score})"
        if self.level != self.score_level:
            text += "; raised by a minimum-level rule"
        return text + "."

    def reasons_json(self) -> list[dict[str, Any]]:
        """The reasons in JSON-ready form."""
        return [r.as_dict() for r in self.reasons]


def result_from_matches(matched: Iterable[str], rules: Rules) -> Result:
    """Build the result from the ids of the rules that applied.

    Args:
        matched: Rule ids (any order; reasons follow the rules file's order).
        rules: The rules.

    Raises:
        KeyError: An id that is not a rule of ``rules``.
    """
    wanted = set(matched)
    unknown = wanted - {r.id for r in rules.rules}
    if unknown:
        raise KeyError(sorted(unknown)[0])
    applied = [r for r in rules.rules if r.id in wanted]
    score = sum(r.points for r in applied)
    score_level = rules.score_level(score)
    rank = max(
        [LEVEL_RANK[score_level]]
        + [LEVEL_RANK[r.at_least] for r in applied if r.at_least is not None]
    )
    reasons = tuple(
        Reason(r.id, r.items, r.points, r.at_least, r.explain_en, r.explain_vi) for r in applied
    )
    return Result(LEVELS[rank], score, score_level, reasons, rules.version)


def evaluate(answers: Mapping[str, Any], rules: Rules) -> Result:
    """Screen one answer set.

    Args:
        answers: Item code -> answer (True/False/None for yes/no items, an option value
            for choice items). Unanswered items count as "no".
        rules: Validated rules (:func:`baove.riskrules.parse_rules`).

    Returns:
        The level with every reason.

    Raises:
        AnswersError: Unknown items or answers of the wrong kind.
    """
    clean = clean_answers(answers)
    return result_from_matches((r.id for r in rules.rules if r.matches(clean)), rules)
