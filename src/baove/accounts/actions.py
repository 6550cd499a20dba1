"""Actions on user accounts, agencies and API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Agency, ApiToken, Sector, User, hash_token
from baove.accounts.roles import Perm, Role, require
from baove.audit.log import record
from baove.core.errors import DomainError
from baove.core.validation import Errors
from baove.geo.models import Commune, Province


def _system_or_admin(acting_user: User | None) -> None:
    # None means the system itself (migrations, `baove createuser` run by the operator).
    if acting_user is not None:
        require(acting_user, Perm.USER_MANAGE)


def create_agency(
    *,
    code: str,
    name: str,
    sector: str,
    province: Province | None = None,
    commune: Commune | None = None,
    acting_user: User | None,
) -> Agency:
    """Register an agency (a service provider or government office)."""
    _system_or_admin(acting_user)
    with transaction.atomic():
        agency = insert_agency(
            code=code, name=name, sector=sector, province=province, commune=commune
        )
        record(acting_user, "agency.create", object_type="agency", object_id=agency.pk)
    return agency


def insert_agency(
    *,
    code: str,
    name: str,
    sector: str,
    province: Province | None = None,
    commune: Commune | None = None,
) -> Agency:
    """Validate and store an agency, with no permission check and no audit event.

    Only for other actions (the service directory's ``create_provider``) that check their
    own permission and write their own single audit event in the same transaction.

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
    """
    errors = Errors()
    code = errors.text("code", code, max_length=40, required=True)
    name = errors.text("name", name, max_length=200, required=True)
    sector = errors.choice("sector", sector, set(Sector.values))
    if code and Agency.objects.filter(code=code).exists():
        errors.add("code", _("This code is already used."))
    errors.raise_if_any()
    return Agency.objects.create(
        code=code, name=name, sector=sector, province=province, commune=commune
    )


def create_user(
    *,
    username: str,
    password: str | None,
    role: str,
    acting_user: User | None,
    commune: Commune | None = None,
    province: Province | None = None,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "vi",
) -> User:
    """Create a user with a role and the area or agency the role needs.

    Commune officers need a commune (their province follows from it), province managers a
    province, service provider staff an agency. ``password=None`` makes an account that
    cannot sign in until a password is set.
    """
    _system_or_admin(acting_user)
    with transaction.atomic():
        user = insert_user(
            username=username, password=password, role=role, commune=commune,
            province=province, agency=agency, first_name=first_name, last_name=last_name,
            language=language,
        )  # fmt: skip
        record(
            acting_user,
            "user.create",
            object_type="user",
            object_id=user.pk,
            details={"username": user.username, "role": user.role},
        )
    return user


def insert_user(
    *,
    username: str,
    password: str | None,
    role: str,
    commune: Commune | None = None,
    province: Province | None = None,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "vi",
) -> User:
    """Validate and store a user, with no permission check and no audit event.

    Only for other actions (the service directory's ``add_provider_staff``) that check
    their own permission and write their own single audit event in the same transaction.

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
    """
    errors = Errors()
    username = errors.text("username", username, max_length=150, required=True)
    role = errors.choice("role", role, set(Role.values))
    first_name = errors.text("first_name", first_name, max_length=150)
    last_name = errors.text("last_name", last_name, max_length=150)
    language = errors.choice("language", language, {"vi", "en"})
    if username and User.objects.filter(username=username).exists():
        errors.add("username", _("This username is already taken."))
    if role == Role.COMMUNE_OFFICER:
        if commune is None:
            errors.add("commune", _("A commune officer needs a commune."))
        else:
            province = commune.province
    elif role == Role.PROVINCE_MANAGER:
        if province is None:
            errors.add("province", _("A province manager needs a province."))
        commune = None
    elif role == Role.PROVIDER_STAFF:
        if agency is None:
            errors.add("agency", _("Service provider staff need an agency."))
        commune = province = None
    else:
        commune = province = agency = None
    user = User(
        username=username,
        role=role,
        commune=commune,
        province=province,
        agency=agency,
        first_name=first_name,
        last_name=last_name,
        language=language,
    )
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", message)
    errors.raise_if_any()
    user.set_password(password)
    user.save()
    return user


def set_active(user: User, *, active: bool, acting_user: User | None) -> User:
    """Deactivate (or reactivate) an account; deactivated users cannot sign in or use tokens."""
    _system_or_admin(acting_user)
    if acting_user is not None and user.pk == acting_user.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        record(
            acting_user,
            "user.activate" if active else "user.deactivate",
            object_type="user",
            object_id=user.pk,
        )
    user.refresh_from_db()
    return user


def set_password(user: User, *, password: str, acting_user: User | None) -> User:
    """Set a user's password and revoke their API tokens (a reset after a compromise must
    lock out whoever held the old credentials)."""
    _system_or_admin(acting_user)
    errors = Errors()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", message)
    errors.raise_if_any()
    with transaction.atomic():
        user.set_password(password)
        User.objects.filter(pk=user.pk).update(password=user.password)
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        record(
            acting_user, "user.set_password", object_type="user", object_id=user.pk,
            details={"tokens_revoked": revoked},
        )  # fmt: skip
    return user


def issue_api_token(user: User, *, name: str = "api", acting_user: User | None) -> str:
    """Create an API token for ``user`` and return it (shown once; only its hash is kept).

    Users may issue tokens for themselves; administrators for anyone.
    """
    if acting_user is not None and acting_user.pk != user.pk:
        require(acting_user, Perm.USER_MANAGE)
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], key_hash=hash_token(key), prefix=key[:8]
        )
        record(acting_user or user, "token.issue", object_type="token", object_id=token.pk)
    return key


def revoke_api_token(token: ApiToken, *, acting_user: User) -> None:
    """Revoke an API token."""
    if acting_user.pk != token.user_id:
        require(acting_user, Perm.USER_MANAGE)
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
        record(acting_user, "token.revoke", object_type="token", object_id=token.pk)


# Every API request starts here. As plain SQL through ``raw()`` the lookup costs about half
# the CPU of the ORM query it replaced (bench/bench_cases.py); ``token_stale`` tells, in the
# same statement, whether last_used_at is older than a minute.
_TOKEN_SQL = """SELECT u.*, t.id AS token_id,
    CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END AS token_stale
    FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
    WHERE t.key_hash = %s AND t.revoked_at IS NULL AND u.is_active = %s"""  # noqa: S105


def authenticate_token(key: str) -> User | None:
    """Return the active user a token belongs to, or None (no detail on why, on purpose)."""
    if not key or len(key) > 200:
        return None
    now = timezone.now()
    stale_before = now - timedelta(seconds=60)
    user = next(iter(User.objects.raw(_TOKEN_SQL, [stale_before, hash_token(key), True])), None)
    if user is None:
        return None
    row: Any = user
    # Touch last_used_at at most once a minute so reads do not each cost a write.
    if row.token_stale:
        ApiToken.objects.filter(pk=row.token_id).update(last_used_at=now)
    return user


def describe(user: User) -> dict[str, Any]:
    """Return what the API says about the signed-in user."""
    return {
        "username": user.username,
        "role": user.role,
        "commune": user.commune_id,
        "province": user.province_id,
        "agency": user.agency.code if user.agency_id and user.agency else None,
    }
