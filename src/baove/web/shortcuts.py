"""Small helpers every app's pages share: the signed-in user, error pages, page numbers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from baove.accounts.models import User
from baove.core.errors import DomainError

#: Longest message text put in a flash message (raw user input may be echoed in one).
MESSAGE_MAX = 500


def signed_in_user(request: HttpRequest) -> User:
    """Return the signed-in user (every caller is behind ``login_required``)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def error_text(error: DomainError) -> str:
    """Return the translated message of a domain error, cut to a sane length."""
    text = str(error)
    return text if len(text) <= MESSAGE_MAX else text[: MESSAGE_MAX - 1] + "…"


def not_found(request: HttpRequest) -> HttpResponse:
    """The 404 page: one answer for "does not exist" and "not yours"."""
    return render(request, "404.html", status=404)


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 page."""
    return render(request, "403.html", status=403)


def page_number(value: str | None) -> int:
    """Parse a ``?page=`` value; anything odd (``-1``, ``x``, huge) means page 1."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 6:
        return max(1, int(text))
    return 1
