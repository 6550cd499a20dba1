"""Tokens and the signed-in user."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status

from baove.accounts.actions import describe, issue_api_token, revoke_api_token
from baove.accounts.models import ApiToken, User, hash_token
from baove.accounts.roles import Role, perms_of, scope_of
from baove.api.auth import bearer_key, user_of
from baove.api.errors import InvalidCredentials, LockedOut
from baove.api.schemas import ErrorOut, MeOut, TokenIn, TokenOut
from baove.core.errors import DomainError

router = Router(tags=["accounts"])


@router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    """Exchange a username and password for a new API token.

    Sign-in attempts are rate limited like the login page (django-axes): after too many
    failures for a username from one address the answer is 429 until the cool-off ends.
    """
    # authenticate() with the request, so axes counts failures and enforces lockouts.
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        # Answer in the API's JSON format; left set, AxesMiddleware would swap in its HTML
        # lockout page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise LockedOut(_("Too many failed sign-in attempts. Try again later."))
    if not isinstance(user, User) or not user.is_active:
        raise InvalidCredentials(_("Wrong username or password."))
    key = issue_api_token(user, name=payload.name, acting_user=user)
    return Status(201, TokenOut(token=key, username=user.username, role=Role(user.role)))


@router.delete("/token", response={204: None, 400: ErrorOut, 401: ErrorOut})
def revoke_token(request: HttpRequest) -> Status[None]:
    """Revoke the bearer token this request is made with (sign out an API client)."""
    user = user_of(request)
    key = bearer_key(request)
    token = ApiToken.objects.filter(key_hash=hash_token(key), user=user).first() if key else None
    if token is None:
        raise DomainError(_("Send the token to revoke as the bearer token of this request."))
    revoke_api_token(token, acting_user=user)
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> MeOut:
    """The signed-in user: role, area or agency, and permissions."""
    user = user_of(request)
    info = describe(user)
    role = Role(user.role)
    return MeOut(
        username=user.username,
        display_name=user.display_name(),
        role=role,
        role_label=str(role.label),
        scope=scope_of(user),
        language=user.language,
        commune=info["commune"],
        province=info["province"],
        agency=info["agency"],
        permissions=sorted(perms_of(user)),
    )
