"""Name search that works with or without Vietnamese tones, using indexes only.

"nguyen thi huong" finds "Nguyễn Thị Hương" and the other way round, because both the query
and the stored key are folded by :func:`baove.core.text.fold`. Matching is by prefix on the
full name ("family middle given") or on the name given first ("given family middle").
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Q

from baove.core.text import fold

# One past the last character a folded key can hold ([0-9a-z ]), for binary range scans.
_PAST_END = "\x7f"


def prefix_q(field: str, prefix: str) -> Q:
    """Return a filter for ``field`` starting with ``prefix`` that can use an index.

    PostgreSQL gets ``LIKE 'prefix%'`` (a ``varchar_pattern_ops`` index serves it); SQLite
    gets a binary range, because its ``LIKE`` is case-insensitive and skips plain indexes.
    """
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + _PAST_END})


def name_query(text: str) -> Q | None:
    """Return the filter for names matching ``text``, or None if it is empty.

    Works on any model with ``name_folded`` and ``given_first_folded`` (Child, and Case,
    which carries its child's keys).

    Args:
        text: What the user typed (any case, with or without tones).
    """
    key = fold(text)
    if not key:
        return None
    return prefix_q("name_folded", key) | prefix_q("given_first_folded", key)
