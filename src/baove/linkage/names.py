"""Vietnamese name helpers for linkage: known family names, regional variants, name order.

Everything here works on *folded* text (see :func:`baove.core.text.fold`): lower case, no
tones or diacritics, đ -> d, single spaces.
"""

from __future__ import annotations

import functools

from baove.core.text import fold, split_full_name
from baove.synth.names import pools

__all__ = [
    "FAMILY_VARIANTS",
    "MIDDLE_MARKERS",
    "canonical_family",
    "fix_swapped_parts",
    "is_family_name",
    "known_family_names",
    "parse_full_name",
    "sorted_tokens",
]

#: Folded family names -> the form they are merged into. Huỳnh and Võ are the southern
#: forms of Hoàng and Vũ (the same lineage names, written differently by region).
FAMILY_VARIANTS: dict[str, str] = {"huynh": "hoang", "vo": "vu"}

#: Middle names that mark sex (Thị, Văn) and are almost never given names, so a full
#: name ending in one has been written given name first.
MIDDLE_MARKERS = frozenset({"thi", "van"})


@functools.cache
def known_family_names() -> frozenset[str]:
    """Return the folded family names the name generator knows (Kinh and ethnic).

    They cover about 90% of people; a name outside the set is not evidence of anything,
    it only means order detection falls back to the usual family-first order.
    """
    p = pools()
    names: set[str] = set()
    for tbl in (*p.family.values(), *p.ethnic_family.values()):
        names.update(fold(n) for n in set(tbl))
    return frozenset(names)


def is_family_name(folded: str) -> bool:
    """Return True when ``folded`` (one or two words) is a known family name."""
    return folded in known_family_names()


def canonical_family(folded: str) -> str:
    """Merge regional variants of a folded family name (``"huynh"`` -> ``"hoang"``)."""
    return FAMILY_VARIANTS.get(folded, folded)


def parse_full_name(full_name: str) -> tuple[str, str, str]:
    """Fold a full name and split it into ``(family, middle, given)``, fixing the order.

    The usual order is family, middle, given. The given name written first
    (``"Hương Nguyễn Thị"``) is detected when the first word is not a known family name but
    the second is, or when the name ends in Thị/Văn; the Western order
    (``"Hương Thị Nguyễn"``) when only the last word is a known family name. Two-word
    family names (``"Rơ Châm"``) are kept together.

    Args:
        full_name: The name as typed (NFC or NFD, any case).

    Returns:
        Folded parts; missing parts are empty strings.
    """
    folded = fold(full_name)
    words = folded.split()
    if len(words) < 2:
        return split_full_name(folded)
    if is_family_name(" ".join(words[:2])) and len(words) > 2:
        return " ".join(words[:2]), " ".join(words[2:-1]), words[-1]
    first_known = is_family_name(words[0])
    if len(words) >= 3 and words[-1] in MIDDLE_MARKERS and is_family_name(words[1]):
        return words[1], " ".join(words[2:]), words[0]
    if not first_known and is_family_name(words[1]):
        return words[1], " ".join(words[2:]), words[0]
    if not first_known and is_family_name(words[-1]):
        return words[-1], " ".join(words[1:-1]), words[0]
    return split_full_name(folded)


def fix_swapped_parts(family: str, middle: str, given: str) -> tuple[str, str, str]:
    """Swap family and given names typed into each other's column.

    Only when the family column holds no known family name and the given column does.
    """
    if family and given and not is_family_name(family) and is_family_name(given):
        return given, middle, family
    return family, middle, given


def sorted_tokens(folded: str) -> str:
    """Return the words of a folded name sorted, so that word order does not matter."""
    return " ".join(sorted(folded.split()))
