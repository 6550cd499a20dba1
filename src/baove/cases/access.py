"""Scoped access to cases and children.

``access_case(user, case_id)`` answers "not found" both for a case that does not exist and
for one outside the user's scope, so nobody can learn that a child they may not see exists.
Every read path (pages, API, search, exports) goes through :func:`scoped_cases`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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


# The read of one case runs on every case page and API read. Django's ORM spent 1.3 ms of
# CPU per read here compiling the scoped, select_related query and building three models;
# the same read as plain SQL through ``raw()`` (Django's field conversions kept) costs a
# fraction of that (bench/bench_cases.py, docs/benchmarks.md). The scope conditions mirror
# :func:`scoped_cases` exactly; tests walk both paths for every role.
_CASE_SQL = """SELECT c.*, o.username AS o_username, o.first_name AS o_first,
    o.last_name AS o_last, o.role AS o_role, o.is_active AS o_active,
    EXISTS(SELECT 1 FROM cases_consent x WHERE x.case_id = c.id) AS has_consents,
    EXISTS(SELECT 1 FROM cases_approval x WHERE x.case_id = c.id) AS has_approvals,
    EXISTS(SELECT 1 FROM cases_casenote x WHERE x.case_id = c.id) AS has_notes,
    EXISTS(SELECT 1 FROM cases_caseassignment x WHERE x.case_id = c.id) AS has_assignments,
    EXISTS(SELECT 1 FROM cases_caseshare x WHERE x.case_id = c.id AND x.revoked_at IS NULL)
        AS has_shares
    FROM cases_case c JOIN accounts_user o ON o.id = c.owner_id
    WHERE c.id = %s AND {scope}"""
_SCOPE_SQL = {
    Scope.COMMUNE: "c.commune_id = %s",
    Scope.PROVINCE: "c.province_id = %s",
    Scope.AGENCY: """EXISTS(SELECT 1 FROM cases_caseshare s WHERE s.case_id = c.id
        AND s.agency_id = %s AND s.revoked_at IS NULL)""",
}
_CHILD_SQL = "SELECT * FROM registry_child WHERE id = %s"
#: The related lists a case page shows; ``access_case`` tells which of them are empty.
RELATED_LISTS = ("consents", "approvals", "notes", "assignments", "shares")


def access_case(
    user: User | AnonymousUser, case_id: int | str, perm: Perm = Perm.CASE_VIEW
) -> Case:
    """Return the case if ``user`` may act on it with ``perm``.

    The case comes with its child, a display-only stand-in for its owner (username, names,
    role) and ``case.has_related``: which of :data:`RELATED_LISTS` have rows.

    Raises:
        NotFound: The case does not exist, is outside scope, or the role lacks ``perm``
            (one answer for all three).
    """
    from baove.accounts.models import User

    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise NotFound(_("Case not found.")) from None
    if not has_perm(user, perm) or not -(2**63) <= pk < 2**63:
        raise NotFound(_("Case not found."))
    scope = scope_of(user)
    if scope is Scope.COMMUNE:
        scope_value = user.commune_id  # type: ignore[union-attr]
    elif scope is Scope.PROVINCE:
        scope_value = user.province_id  # type: ignore[union-attr]
    elif scope is Scope.AGENCY:
        scope_value = user.agency_id  # type: ignore[union-attr]
    else:
        scope_value = None
    if scope_value is None or scope not in _SCOPE_SQL:
        raise NotFound(_("Case not found."))
    sql = _CASE_SQL.format(scope=_SCOPE_SQL[scope])
    case = next(iter(Case.objects.raw(sql, [pk, scope_value])), None)
    if case is None:
        raise NotFound(_("Case not found."))
    child = next(iter(Child.objects.raw(_CHILD_SQL, [case.child_id])))
    row: Any = case
    case.child = child
    case.owner = User(
        pk=case.owner_id,
        username=row.o_username,
        first_name=row.o_first,
        last_name=row.o_last,
        role=row.o_role,
        is_active=bool(row.o_active),
    )
    row.has_related = {name: bool(getattr(row, f"has_{name}")) for name in RELATED_LISTS}
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
