"""Vietnamese-aware text normalisation shared by search, linkage and validation.

Pure Python: no Django import, so the linkage and indicator packages can use it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["clean_text", "fold", "fold_name", "has_control_chars", "split_full_name"]

_SPACES = re.compile(r"\s+")
# Control characters (C0, DEL, C1) other than tab/newline have no business in a record.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_ALNUM = re.compile(r"[^0-9a-z ]+")
# đ/Đ have no canonical decomposition, so NFD leaves them; map by hand.
_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def has_control_chars(value: str) -> bool:
    """Return True when ``value`` holds control characters other than tab and newline."""
    return bool(_CONTROL.search(value))


def clean_text(value: str) -> str:
    """Return ``value`` in NFC with surrounding and repeated inner spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Fold Vietnamese text for matching: lower case, no tones or diacritics, đ -> d.

    Input may arrive in NFC or NFD; old and new tone placement ("hoà"/"hòa") fold alike.

    Args:
        value: Any text.

    Returns:
        ASCII lower-case text with single spaces; punctuation becomes a space.

    >>> fold("Nguyễn Thị  Hương")
    'nguyen thi huong'
    >>> fold("ĐẶNG hoà")
    'dang hoa'
    """
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", value))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = stripped.translate(_D_MAP).lower()
    return _SPACES.sub(" ", _NON_ALNUM.sub(" ", ascii_text)).strip()


def fold_name(family: str, middle: str, given: str) -> str:
    """Fold a name given in parts into the ``family middle given`` search key."""
    return fold(" ".join(part for part in (family, middle, given) if part))


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """Split a Vietnamese full name into (family, middle, given).

    The first word is the family name, the last the given name, and any words between
    form the middle name. A single word is taken as the given name.
    """
    words = clean_text(full_name).split(" ")
    words = [w for w in words if w]
    if not words:
        return "", "", ""
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]
