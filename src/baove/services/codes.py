"""Commune and province codes typed by people: new (2025) codes, and clear words for old ones.

The directory stores the 34 provinces and 3,321 communes in force since 1 July 2025. Files
and forms still carry codes of the 63 provinces and ~10,000 communes of before; such a code
is refused with a message naming the unit and its new code(s), taken from the official
conversion table that :mod:`baove.linkage.communes` ships (never a guess: an old commune
split among several new ones lists them all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.geo import cache as geo_cache
from baove.geo.models import Commune, Province

_SEPARATORS = re.compile(r"[\s,;]+")


def split_codes(value: object) -> list[str]:
    """Split ``"00004, 00008; 25747"`` (or a list) into codes, in order, without repeats."""
    if value is None:
        return []
    items: Iterable[object] = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        for part in _SEPARATORS.split(str(item)):
            if part and part not in out:
                out.append(part)
    return out


def _pad(code: str, width: int) -> str | None:
    # Spreadsheets drop leading zeros and may add ".0" to a number.
    text = code.strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text or not text.isascii() or not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)


def _unit_list(codes: Iterable[str], lookup: dict[str, str]) -> str:
    return ", ".join(f"{c} {lookup.get(c, '')}".strip() for c in codes)


def commune_or_error(value: str) -> tuple[Commune | None, str | Promise | None]:
    """Return the 2025 commune with code ``value``, or None and the reason in words."""
    code = _pad(value, 5)
    if code is None:
        return None, _("“%(code)s” is not a commune code (five digits).") % {"code": value[:20]}
    try:
        return geo_cache.commune(code), None
    except KeyError:
        pass
    from baove.linkage.communes import tables  # the conversion table, loaded on first use

    old = tables()
    if code in old.old_to_new:
        new = old.old_to_new[code]
        if not new:
            return None, _(
                "“%(code)s” is a commune code from before 1 July 2025 (%(name)s) that the"
                " official table does not convert; use the code of the commune in force now."
            ) % {"code": code, "name": old.old_name.get(code, "")}
        return None, _(
            "“%(code)s” is a commune code from before 1 July 2025 (%(name)s); use the new"
            " code: %(new)s."
        ) % {"code": code, "name": old.old_name.get(code, ""), "new": _unit_list(new, old.new_name)}
    return None, _("There is no commune with the code “%(code)s”.") % {"code": code}


def province_or_error(value: str) -> tuple[Province | None, str | Promise | None]:
    """Return the 2025 province with code ``value``, or None and the reason in words."""
    code = _pad(value, 2)
    if code is None:
        return None, _("“%(code)s” is not a province code (two digits).") % {"code": value[:20]}
    try:
        return geo_cache.province(code), None
    except KeyError:
        pass
    from baove.linkage.communes import tables

    new = tables().province_to_new.get(code)
    if new:
        names = {c: geo_cache.province(c).name for c in new if _known_province(c)}
        return None, _(
            "“%(code)s” is a province code from before 1 July 2025; the province is now part"
            " of: %(new)s."
        ) % {"code": code, "new": _unit_list(new, names)}
    return None, _("There is no province with the code “%(code)s”.") % {"code": code}


def _known_province(code: str) -> bool:
    try:
        geo_cache.province(code)
    except KeyError:
        return False
    return True
