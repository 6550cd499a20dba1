"""Input checks shared by every action: each error names its field, in the user's language.

Actions collect all errors of one request in :class:`Errors` and raise them together, so a
form or API client sees every problem at once and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.core.errors import ValidationFailed
from baove.core.text import clean_text, has_control_chars


class Errors:
    """Collects field errors; :meth:`raise_if_any` raises them as one ValidationFailed."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str | Promise]] = {}

    def add(self, field: str, message: str | Promise) -> None:
        """Record an error for ``field``."""
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise :class:`ValidationFailed` if any error was recorded."""
        if self.by_field:
            raise ValidationFailed(self.by_field)

    def text(
        self,
        field: str,
        value: Any,
        *,
        max_length: int,
        required: bool = False,
        multiline: bool = False,
    ) -> str:
        """Clean a text input: NFC, trimmed, no control characters, within ``max_length``."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, _("This must be text."))
            return ""
        if has_control_chars(value):
            self.add(field, _("This contains control characters that are not allowed."))
            return ""
        if multiline:
            lines = [clean_text(line) for line in value.replace("\r\n", "\n").split("\n")]
            cleaned = "\n".join(lines).strip()
        else:
            if "\n" in value or "\t" in value:
                self.add(field, _("This must be on one line."))
                return ""
            cleaned = clean_text(value)
        if required and not cleaned:
            self.add(field, _("This field is required."))
        elif len(cleaned) > max_length:
            self.add(
                field,
                _("This is too long: at most %(max)d characters (it has %(n)d).")
                % {"max": max_length, "n": len(cleaned)},
            )
        return cleaned

    def choice(self, field: str, value: Any, choices: list[str] | set[str] | frozenset[str]) -> str:
        """Check that ``value`` is one of ``choices``."""
        if not isinstance(value, str) or value not in choices:
            self.add(field, _("Choose one of the listed options."))
            return ""
        return value

    def date(self, field: str, value: Any, *, not_future: bool = True) -> dt.date | None:
        """Parse a date (a ``date`` or ISO ``YYYY-MM-DD`` text) and refuse future dates."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.add(field, _("This is not a valid date (use YYYY-MM-DD)."))
                return None
        if not isinstance(value, dt.date):
            self.add(field, _("This field is required."))
            return None
        if not_future and value > timezone.localdate():
            self.add(field, _("This date is in the future."))
            return None
        return value

    def boolean(self, field: str, value: Any) -> bool:
        """Check a yes/no input."""
        if not isinstance(value, bool):
            self.add(field, _("Answer yes or no."))
            return False
        return value
