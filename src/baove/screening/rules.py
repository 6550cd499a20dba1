"""The rules in force: the active :class:`RulesVersion`, or the rules shipped with baove."""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import get_language

from baove.core.validation import Errors
from baove.riskrules import Problem, Rules, default_rules, parse_rules
from baove.screening.models import RulesVersion


@lru_cache(maxsize=16)
def _parsed(text: str) -> Rules:
    # A stored version's text never changes, so parsing it once per process is enough.
    return parse_rules(text)


def active_rules() -> Rules:
    """The rules new screenings use (one indexed query)."""
    text = RulesVersion.objects.filter(is_active=True).values_list("text", flat=True).first()
    return _parsed(text) if text is not None else default_rules()


def rules_for_version(version: str) -> Rules | None:
    """The rules stored (or shipped) under ``version``, or None if unknown."""
    text = RulesVersion.objects.filter(version=version).values_list("text", flat=True).first()
    if text is not None:
        return _parsed(text)
    shipped = default_rules()
    return shipped if shipped.version == version else None


def add_problems(errors: Errors, field: str, problems: list[Problem]) -> None:
    """Add bilingual problems to ``errors`` in the language of the request."""
    lang = get_language() or "vi"
    for problem in problems:
        errors.add(field, f"{problem.where}: {problem.message(lang)}")
