"""Users, roles, tokens and the production password hasher."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from baove import settings as project_settings
from baove.accounts import actions
from baove.accounts.roles import PERMISSIONS, Perm, Role, Scope, has_perm, scope_of
from baove.core.errors import ActionNotAllowed, DomainError, ValidationFailed

from .conftest import World

pytestmark = pytest.mark.django_db


def test_production_hasher_is_argon2() -> None:
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_every_role_is_in_the_permission_table() -> None:
    assert set(PERMISSIONS) == set(Role)


def test_user_needs_the_area_of_its_role(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        actions.create_user(username="x1", password=None, role="commune_officer", acting_user=None)
    assert "commune" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        actions.create_user(username="x2", password=None, role="province_manager", acting_user=None)
    assert "province" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        actions.create_user(username="x3", password=None, role="provider_staff", acting_user=None)
    assert "agency" in info.value.errors
    with pytest.raises(ValidationFailed) as info:
        actions.create_user(username="officer_a1", password="short", role="auditor",
                            acting_user=None)  # fmt: skip
    assert {"username", "password"} <= set(info.value.errors)


def test_officer_province_follows_commune(world: World) -> None:
    assert world.officer_a1.province_id == "01"
    assert scope_of(world.officer_a1) is Scope.COMMUNE
    assert scope_of(world.provider_x) is Scope.AGENCY


def test_only_admins_manage_users(world: World) -> None:
    with pytest.raises(ActionNotAllowed):
        actions.create_user(username="new", password=None, role="auditor",
                            acting_user=world.manager_a)  # fmt: skip
    user = actions.create_user(username="new", password=None, role="auditor",
                               acting_user=world.admin)  # fmt: skip
    assert not user.has_usable_password()


def test_tokens_authenticate_until_revoked_or_deactivated(world: World) -> None:
    key = actions.issue_api_token(world.officer_a1, acting_user=world.officer_a1)
    assert actions.authenticate_token(key) == world.officer_a1
    assert actions.authenticate_token(key + "x") is None
    assert actions.authenticate_token("") is None
    token = world.officer_a1.api_tokens.get()
    assert token.key_hash != key and key.startswith(token.prefix)
    actions.set_active(world.officer_a1, active=False, acting_user=world.admin)
    assert actions.authenticate_token(key) is None
    actions.set_active(world.officer_a1, active=True, acting_user=world.admin)
    actions.revoke_api_token(token, acting_user=world.officer_a1)
    assert actions.authenticate_token(key) is None


def test_token_use_touches_last_used_at_at_most_once_a_minute(world: World) -> None:
    import datetime as dt

    from baove.accounts.models import ApiToken

    key = actions.issue_api_token(world.officer_a1, acting_user=world.officer_a1)
    user = actions.authenticate_token(key)
    assert user is not None and user.role == world.officer_a1.role
    assert user.commune_id == world.officer_a1.commune_id
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    assert actions.authenticate_token(key) is not None
    assert ApiToken.objects.get().last_used_at == first  # used again within the minute
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    assert actions.authenticate_token(key) is not None
    touched = ApiToken.objects.get().last_used_at
    assert touched is not None and touched > first - dt.timedelta(minutes=1)


def test_inactive_user_has_no_permissions(world: World) -> None:
    actions.set_active(world.manager_a, active=False, acting_user=world.admin)
    world.manager_a.refresh_from_db()
    assert not has_perm(world.manager_a, Perm.CASE_VIEW)
    with pytest.raises(DomainError), translation.override("en"):
        actions.set_active(world.admin, active=False, acting_user=world.admin)


def test_lockout_username_is_cleaned_for_storage(rf: Any) -> None:
    from baove.accounts.lockout import attempted_username

    long = rf.post("/login/", {"username": "a" * 100_000, "password": "x"})
    assert attempted_username(long) == "a" * 150
    nul = rf.post("/login/", {"username": "ab\x00c"})
    assert attempted_username(nul) == "abc"
    assert attempted_username(rf.post("/login/", {}), {"username": "officer"}) == "officer"
    assert attempted_username(rf.post("/login/", {})) == ""


def test_set_password(world: World) -> None:
    with pytest.raises(ActionNotAllowed):
        actions.set_password(
            world.officer_a2, password="a-new-long-one-7", acting_user=world.manager_a
        )
    with pytest.raises(ValidationFailed):
        actions.set_password(world.officer_a2, password="123", acting_user=world.admin)
    actions.set_password(world.officer_a2, password="a-new-long-one-7", acting_user=world.admin)
    world.officer_a2.refresh_from_db()
    assert world.officer_a2.check_password("a-new-long-one-7")


def test_password_reset_revokes_api_tokens(world: World) -> None:
    key = actions.issue_api_token(world.officer_a2, acting_user=world.officer_a2)
    actions.set_password(world.officer_a2, password="a-new-long-one-7", acting_user=world.admin)
    assert actions.authenticate_token(key) is None
