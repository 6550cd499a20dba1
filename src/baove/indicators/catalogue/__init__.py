"""The indicator catalogue: every child-focused indicator as a reviewed declaration.

``CATALOGUE`` maps indicator ids to :class:`IndicatorDef` in catalogue order (the order of
``docs/indicators.md`` and of the output tables). Each family lives in its own module.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from baove.indicators.catalogue import (
    birth_registration,
    child_labour,
    child_marriage,
    ecd,
    health_insurance,
    ict,
    immunization,
    learning,
    moda,
    nutrition,
    social_protection,
    violent_discipline,
    wash,
)
from baove.indicators.catalogue.model import (
    STANDARD_DISAGGREGATIONS,
    DeriveOptions,
    IndicatorDef,
    ModaConfig,
)

__all__ = [
    "CATALOGUE",
    "STANDARD_DISAGGREGATIONS",
    "DeriveOptions",
    "IndicatorDef",
    "ModaConfig",
    "all_ids",
    "get",
]

_FAMILIES = (
    violent_discipline,
    child_labour,
    ict,
    moda,
    birth_registration,
    child_marriage,
    nutrition,
    ecd,
    immunization,
    social_protection,
    health_insurance,
    learning,
    wash,
)


def _build() -> Mapping[str, IndicatorDef]:
    entries: dict[str, IndicatorDef] = {}
    for family in _FAMILIES:
        for indicator in family.INDICATORS:
            if indicator.id in entries:
                raise ValueError(f"duplicate indicator id {indicator.id!r}")
            entries[indicator.id] = indicator
    return MappingProxyType(entries)


CATALOGUE: Mapping[str, IndicatorDef] = _build()
"""Indicator id -> definition, in catalogue order (read-only)."""


def get(indicator_id: str) -> IndicatorDef:
    """Return the definition of ``indicator_id``.

    Raises:
        KeyError: the id is not in the catalogue (the message lists the known ids).
    """
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        known = ", ".join(CATALOGUE)
        raise KeyError(f"unknown indicator {indicator_id!r}; known indicators: {known}") from None


def all_ids() -> tuple[str, ...]:
    """Every indicator id, in catalogue order."""
    return tuple(CATALOGUE)
