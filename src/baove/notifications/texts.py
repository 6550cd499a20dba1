"""The text of each kind of notification, rendered when read (in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.notifications.models import Kind

TEXTS: dict[str, Promise] = {
    Kind.REFERRAL_NEW: _("New referral %(reference)s for your agency."),
    Kind.REFERRAL_ACCEPTED: _("Referral %(reference)s was accepted."),
    Kind.REFERRAL_DECLINED: _("Referral %(reference)s was declined."),
    Kind.REFERRAL_OVERDUE: _("Referral %(reference)s has not been answered in time."),
}


def render_text(kind: str, params: dict[str, Any]) -> str:
    """Return the notification's text in the active language.

    Args:
        kind: A :class:`~baove.notifications.models.Kind` value.
        params: The stored parameters (``reference`` for referral kinds, ``text`` for
            generic messages).
    """
    if kind == Kind.GENERIC or kind not in TEXTS:
        return str(params.get("text", "")) if isinstance(params, dict) else ""
    template = str(TEXTS[kind])  # lazy text: translated now, in the active language
    try:
        return template % {"reference": "", **params}
    except (KeyError, TypeError, ValueError):  # params written by an older version
        return template.replace("%(reference)s", str(params.get("reference", "")))
