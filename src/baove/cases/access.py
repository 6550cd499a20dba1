"""Scoped access to cases and children.

``access_case(user, case_id)`` answers "not found" both for a case that does not exist and
for one outside the user's scope, so nobody can learn that a child they may not see exists.
Every read path (pages, API, search, exports) goes through :func:`scoped_cases`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, has_perm, scope_of
from baove.cases.models import Case, CaseShare
from baove.core.errors import NotFound
from baove.geo import cache as geo_cache
from baove.registry.models import Child

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User


def scoped_cases(user: User | AnonymousUser, perm: Perm = Perm.CASE_VIEW) -> QuerySet[Case]:
    """Return the cases ``user`` may act on with ``perm`` (empty when none)."""
    if not has_perm(user, perm):
        return Case.objects.none()
    scope = scope_of(user)
    qs = Case.objects.all()
    if scope is Scope.COMMUNE:
        return qs.filter(commune_id=user.commune_id)  # type: ignore[union-attr]
    if scope is Scope.PROVINCE:
        return qs.filter(province_id=user.province_id)  # type: ignore[union-attr]
    if scope is Scope.AGENCY:
        if user.agency_id is None:  # type: ignore[union-attr]
            return Case.objects.none()
        shared = CaseShare.objects.filter(
            case=OuterRef("pk"),
            agency_id=user.agency_id,  # type: ignore[union-attr]
            revoked_at__isnull=True,
        )
        return qs.filter(Exists(shared))
    return Case.objects.none()


def scoped_children(user: User | AnonymousUser) -> QuerySet[Child]:
    """Return the children ``user`` may see: those with at least one case in scope."""
    visible = scoped_cases(user).filter(child=OuterRef("pk"))
    return Child.objects.filter(Exists(visible))


def access_case(
    user: User | AnonymousUser, case_id: int | str, perm: Perm = Perm.CASE_VIEW
) -> Case:
    """Return the case if ``user`` may act on it with ``perm``.

    Raises:
        NotFound: The case does not exist, is outside scope, or the role lacks ``perm``
            (one answer for all three).
    """
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise NotFound(_("Case not found.")) from None
    case = scoped_cases(user, perm).select_related("child", "owner").filter(pk=pk).first()
    if case is None:
        raise NotFound(_("Case not found."))
    # Geography from the per-process cache rather than two more joins per read.
    case.commune = geo_cache.commune(case.commune_id)
    case.province = geo_cache.province(case.province_id)
    return case


def access_case_by_reference(user: User | AnonymousUser, reference: str) -> Case:
    """Like :func:`access_case`, by the case reference printed on paper files."""
    case = scoped_cases(user).filter(reference=reference.strip().upper()).first()
    if case is None:
        raise NotFound(_("Case not found."))
    return case
