"""How django-axes names the account a failed sign-in tried.

Axes stores the attempted username in a 255-character column. Django's sign-in form does not
enforce its 150-character limit before authenticating, so a 100,000-character or NUL-laden
"username" reached the database and PostgreSQL refused it (a 500). This keeps the stored
value within the column and free of NUL bytes, and still locks that account name out.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

MAX_USERNAME = 150


def attempted_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """Return the username a sign-in attempt used, cleaned for storage."""
    source: Any = credentials if credentials else getattr(request, "data", request.POST)
    value = source.get("username", "") if hasattr(source, "get") else ""
    if not isinstance(value, str):
        value = ""
    return value.replace("\x00", "")[:MAX_USERNAME]
