"""Per-process lookup of provinces and communes.

The 34 provinces and 3,321 communes change only with a migration (and a restart), so every
process loads them once instead of joining them into each case query: on PostgreSQL the
extra joins cost more in planning than the whole lookup does.
"""

from __future__ import annotations

from functools import cache

from baove.geo.models import Commune, Province


@cache
def _all() -> tuple[dict[str, Province], dict[str, Commune]]:
    provinces = {p.code: p for p in Province.objects.all()}
    communes = {}
    for commune in Commune.objects.all():
        # Share the province objects, so commune.province costs no query either.
        commune.province = provinces[commune.province_id]
        communes[commune.code] = commune
    return provinces, communes


def province(code: str) -> Province:
    """Return the province with this code (KeyError if there is none)."""
    return _all()[0][code]


def commune(code: str) -> Commune:
    """Return the commune with this code (KeyError if there is none)."""
    return _all()[1][code]


def clear() -> None:
    """Forget the loaded units (tests that reload geography call this)."""
    _all.cache_clear()
