"""Who is calling: a bearer token, or the browser's signed-in session.

Both answer with the :class:`~baove.accounts.models.User`, which views read back with
:func:`user_of`. Inactive users and revoked tokens are refused (401) without saying why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from baove.accounts.actions import authenticate_token
from baove.accounts.models import User

__all__ = ["SessionAuth", "TokenAuth", "bearer_key", "user_of"]


class TokenAuth(HttpBearer):
    """``Authorization: Bearer bv_...`` with a token from ``POST /api/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """Return the token's active user, or None (ninja then answers 401)."""
        return authenticate_token(token.strip())


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in browser, with CSRF checks on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        """Return the session's user; the CSRF check runs only when a session would count.

        ninja's cookie auth checks CSRF before looking at the cookie, which would turn a
        token request with a bad token into "CSRF failed" (403) instead of 401. So: a
        request that sends an Authorization header is judged by its token alone, and a
        request without a signed-in session is simply not authenticated here.
        """
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)  # checks CSRF for POST/PATCH/PUT/DELETE

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        """Return the signed-in user (the session middleware already loaded it)."""
        user = request.user
        return user if isinstance(user, User) else None


def bearer_key(request: HttpRequest) -> str | None:
    """Return the bearer token the request carries, if any."""
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


def user_of(request: HttpRequest) -> User:
    """Return the authenticated user of a request that passed the API's auth."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):  # pragma: no cover - every operation is authenticated
        raise RuntimeError("operation reached without an authenticated user")
    return user
