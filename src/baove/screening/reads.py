"""Read paths over screenings and proactive runs: scoped, and every read of a child audited.

Screenings are read by the roles that screen (commune officers, their commune; managers,
their province). "Not yours" answers exactly like "does not exist".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, has_perm, scope_of
from baove.audit.log import record
from baove.cases.access import access_case, scoped_children
from baove.core.errors import NotFound
from baove.registry.models import Child
from baove.screening.models import ProactiveRow, ProactiveRun, Screening

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User

#: Most screenings a case's list shows.
CASE_LIST_LIMIT = 50


def scoped_screenings(user: User | AnonymousUser) -> QuerySet[Screening]:
    """The screenings ``user`` may see (empty when none)."""
    if not has_perm(user, Perm.SCREENING_RECORD):
        return Screening.objects.none()
    scope = scope_of(user)
    if scope is Scope.COMMUNE:
        return Screening.objects.filter(commune_id=user.commune_id)  # type: ignore[union-attr]
    if scope is Scope.PROVINCE:
        return Screening.objects.filter(province_id=user.province_id)  # type: ignore[union-attr]
    return Screening.objects.none()


def _id(value: int | str) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise NotFound(_("Screening not found.")) from None
    if not 0 < pk < 2**63:
        raise NotFound(_("Screening not found."))
    return pk


def view_screening(user: User, screening_id: int | str) -> Screening:
    """Return one screening for display and audit the read.

    Raises:
        NotFound: It does not exist or is outside the user's scope (one answer).
    """
    pk = _id(screening_id)
    screening = (
        scoped_screenings(user)
        .select_related("child", "case", "screened_by", "confirmed_by")
        .filter(pk=pk)
        .first()
    )
    if screening is None:
        raise NotFound(_("Screening not found."))
    record(
        user, "screening.view", case_id=screening.case_id, child_id=screening.child_id,
        object_type="screening", object_id=screening.pk,
    )  # fmt: skip
    return screening


def case_screenings(user: User, case_id: int | str) -> list[Screening]:
    """The screenings of a case, newest first, and audit the read.

    Raises:
        NotFound: The case is outside the user's scope (or the role does not screen).
    """
    case = access_case(user, case_id, Perm.SCREENING_RECORD)
    rows = list(
        scoped_screenings(user)
        .filter(case_id=case.pk)
        .select_related("screened_by")[:CASE_LIST_LIMIT]
    )
    record(
        user, "screening.list", case_id=case.pk, child_id=case.child_id,
        object_type="case", object_id=case.pk, details={"screenings": [s.pk for s in rows]},
    )  # fmt: skip
    return rows


def latest_for_case(user: User | AnonymousUser, case_id: int) -> Screening | None:
    """The newest screening of a case the user may see (one indexed query; for the panel).

    Not audited separately: it is shown inside the case page, whose read is audited.
    """
    return scoped_screenings(user).filter(case_id=case_id).order_by("-screened_at", "-id").first()


def scoped_runs(user: User | AnonymousUser) -> QuerySet[ProactiveRun]:
    """The proactive runs whose visit lists ``user`` may see."""
    if not has_perm(user, Perm.SCREENING_RECORD):
        return ProactiveRun.objects.none()
    scope = scope_of(user)
    if scope is Scope.PROVINCE:
        return ProactiveRun.objects.filter(province_id=user.province_id)  # type: ignore[union-attr]
    if scope is Scope.COMMUNE:
        commune = user.commune  # type: ignore[union-attr]
        if commune is None:
            return ProactiveRun.objects.none()
        return (
            ProactiveRun.objects.filter(province_id=commune.province_id)
            .filter(rows__commune_id=commune.code)
            .distinct()
        )
    return ProactiveRun.objects.none()


def visit_list(
    user: User, run_id: int | str, commune_code: str | None = None
) -> tuple[ProactiveRun, QuerySet[ProactiveRow]]:
    """A run and its children to visit that the user may see, and audit the read.

    Officers see their commune's rows; managers their province's (optionally one commune).

    Raises:
        NotFound: The run does not exist or is outside the user's scope.
    """
    try:
        pk = int(run_id)
    except (TypeError, ValueError):
        raise NotFound(_("Screening run not found.")) from None
    run = scoped_runs(user).filter(pk=pk).first() if 0 < pk < 2**63 else None
    if run is None:
        raise NotFound(_("Screening run not found."))
    rows = ProactiveRow.objects.filter(run=run).select_related("commune", "child")
    if scope_of(user) is Scope.COMMUNE:
        rows = rows.filter(commune_id=user.commune_id)
    elif commune_code:
        rows = rows.filter(commune_id=commune_code)
    record(
        user, "screening.visit_list", object_type="proactive_run", object_id=run.pk,
        details={"commune": user.commune_id if scope_of(user) is Scope.COMMUNE else commune_code},
    )  # fmt: skip
    return run, rows.order_by("commune_id", "rank")


def child_for_screening(user: User, value: str) -> Child:
    """A child the user may see, or one on a visit list of theirs; the read is audited.

    'Not found' otherwise, exactly as for a missing child: a registry child with no case
    in scope is reachable only from a proactive visit list the user may see.
    """
    text = value.strip()
    pk = int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None
    child = None
    if pk is not None:
        visible = scoped_children(user).filter(pk=pk).exists() or (
            ProactiveRow.objects.filter(child_id=pk, run__in=scoped_runs(user)).exists()
        )
        child = Child.objects.select_related("commune").filter(pk=pk).first() if visible else None
    if child is None:
        raise NotFound(_("Child not found."))
    record(user, "child.view", child_id=child.pk, object_type="child", object_id=child.pk,
           details={"for": "screening"})  # fmt: skip
    return child
