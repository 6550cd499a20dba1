"""Read paths over placements: scoped by the placement's case, and audited.

A placement is visible to whoever may see its case (:func:`baove.cases.access.scoped_cases`);
"not yours" answers exactly like "does not exist". Lists and views of placements name
children, so each read writes an audit event; counts do not name anyone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, has_perm, require, scope_of
from baove.audit.log import record
from baove.cases.access import access_case, scoped_cases
from baove.core.errors import NotFound
from baove.placements.models import Placement, PlacementReview
from baove.placements.vocab import PlacementStatus, PlacementType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User
    from baove.cases.models import Case

#: Most rows a queue page shows.
QUEUE_LIMIT = 200
#: The reviews list shows reviews due within this many days (overdue ones first).
DUE_SOON_DAYS = 30
_NOT_FOUND = _("Placement not found.")


def scoped_placements(
    user: User | AnonymousUser, perm: Perm = Perm.CASE_VIEW
) -> QuerySet[Placement]:
    """Return the placements whose case ``user`` may act on with ``perm`` (empty if none)."""
    if not has_perm(user, perm):
        return Placement.objects.none()
    qs = Placement.objects.filter(case__in=scoped_cases(user, perm))
    # The denormalised area narrows the scan to one range of the (area, status, ...) indexes.
    scope = scope_of(user)
    if scope is Scope.PROVINCE:
        qs = qs.filter(province_id=user.province_id)  # type: ignore[union-attr]
    elif scope is Scope.COMMUNE:
        qs = qs.filter(commune_id=user.commune_id)  # type: ignore[union-attr]
    return qs


def child_history(case: Case, user: User) -> list[Placement]:
    """The placements of the case's child ``user`` may see, newest first.

    Call after an access check; one query, and the case page has already audited the read
    of the case. Commune and province users see every placement of the child (a child's
    placements are all in their area); provider staff only those recorded on cases shared
    with their agency, never those of the child's other cases.
    """
    qs = Placement.objects.filter(child_id=case.child_id)
    if scope_of(user) is Scope.AGENCY:
        shared = scoped_cases(user).filter(child_id=case.child_id).values("id")
        qs = qs.filter(case_id__in=shared)
    return list(qs.select_related("agency").order_by("-start_date", "-id"))


def list_for_case(user: User, case_id: int | str) -> tuple[Case, list[Placement]]:
    """Return a case and its child's placements, auditing the read.

    Raises:
        NotFound: The case does not exist or is not in the user's area.
    """
    case = access_case(user, case_id)
    rows = child_history(case, user)
    record(
        user, "placement.list", case_id=case.pk, child_id=case.child_id,
        object_type="placement", details={"results": [p.pk for p in rows]},
    )  # fmt: skip
    return case, rows


def get_placement(
    user: User | AnonymousUser, placement_id: int | str, perm: Perm = Perm.CASE_VIEW
) -> Placement:
    """Return a placement in the user's scope for ``perm`` (not audited: actions audit).

    Raises:
        NotFound: It does not exist, is out of scope, or the role lacks ``perm``.
    """
    try:
        pk = int(placement_id)
    except (TypeError, ValueError):
        raise NotFound(_NOT_FOUND) from None
    if not 0 < pk < 2**63:
        raise NotFound(_NOT_FOUND)
    placement = (
        scoped_placements(user, perm)
        .select_related("agency", "case", "child", "requested_by", "decided_by", "ended_by")
        .filter(pk=pk)
        .first()
    )
    if placement is None:
        raise NotFound(_NOT_FOUND)
    return placement


def view_placement(user: User, placement_id: int | str) -> tuple[Placement, list[PlacementReview]]:
    """Return a placement with its reviews (newest first) and audit the read."""
    require(user, Perm.CASE_VIEW)
    placement = get_placement(user, placement_id)
    reviews = list(placement.reviews.select_related("reviewer"))
    record(
        user, "placement.view", case_id=placement.case_id, child_id=placement.child_id,
        object_type="placement", object_id=placement.pk,
    )  # fmt: skip
    return placement, reviews


def _due_filter(within_days: int) -> Q:
    limit = timezone.localdate() + dt.timedelta(days=within_days)
    return Q(status=PlacementStatus.ACTIVE, next_review_due__lte=limit)


def reviews_due(
    user: User, *, within_days: int = DUE_SOON_DAYS, limit: int = QUEUE_LIMIT
) -> list[Placement]:
    """Active placements in scope whose review is overdue or due soon, earliest first.

    The list names children, so the read is audited with the placements shown.
    """
    require(user, Perm.PLACEMENT_RECORD)
    rows = list(
        scoped_placements(user, Perm.PLACEMENT_RECORD)
        .filter(_due_filter(max(0, within_days)))
        .select_related("child", "case", "agency")
        .order_by("next_review_due", "id")[: max(1, min(limit, QUEUE_LIMIT))]
    )
    record(
        user, "placement.list", object_type="placement",
        details={"results": [p.pk for p in rows], "queue": "reviews"},
    )  # fmt: skip
    return rows


def overdue_review_count(user: User | AnonymousUser) -> int:
    """How many active placements in the user's scope are past their review date (0 when
    the role does not record placements). A count of one indexed range; not audited."""
    if not has_perm(user, Perm.PLACEMENT_RECORD):
        return 0
    today = timezone.localdate()
    return (
        scoped_placements(user, Perm.PLACEMENT_RECORD)
        .filter(status=PlacementStatus.ACTIVE, next_review_due__lt=today)
        .count()
    )


def approvals_queue(user: User, *, limit: int = QUEUE_LIMIT) -> list[Placement]:
    """Residential placements waiting for a manager of the user's province, oldest first.

    Audited with the placements shown (the queue names children and their situation).
    """
    require(user, Perm.PLACEMENT_APPROVE)
    rows = list(
        scoped_placements(user, Perm.PLACEMENT_APPROVE)
        .filter(status=PlacementStatus.PROPOSED)
        .select_related("child", "case", "agency", "requested_by")
        .order_by("requested_at", "id")[: max(1, min(limit, QUEUE_LIMIT))]
    )
    record(
        user, "placement.list", object_type="placement",
        details={"results": [p.pk for p in rows], "queue": "approvals"},
    )  # fmt: skip
    return rows


@dataclass(frozen=True)
class TypeCount:
    """Children in placements of one type in one province; ``count`` None when suppressed."""

    province: str
    placement_type: str
    count: int | None


def counts_by_type(
    province: str | None = None, as_of: dt.date | None = None, *, min_cell: int = 0
) -> list[TypeCount]:
    """Count placements in place by province and type (what feeds the indicators).

    Args:
        province: Only this province code (None: every province).
        as_of: Count placements in place on this day: started on or before it, and not
            ended or ending after it (None: the placements active now).
        min_cell: Counts below this (but above zero) come back as None, so that a child
            cannot be singled out (pass ``settings.BAOVE_MIN_CELL`` for analysts).

    Returns:
        One row per province and type with at least one placement, by province then type.
    """
    if as_of is None:
        qs = Placement.objects.filter(status=PlacementStatus.ACTIVE)
    else:
        qs = Placement.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gt=as_of),
            status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED],
            start_date__lte=as_of,
        )
    if province is not None:
        qs = qs.filter(province_id=province)
    rows = (
        qs.values("province_id", "placement_type")
        .annotate(n=Count("child_id", distinct=True))
        .order_by("province_id", "placement_type")
    )
    order = {code: i for i, code in enumerate(PlacementType.values)}
    out = [
        TypeCount(r["province_id"], r["placement_type"], None if r["n"] < min_cell else r["n"])
        for r in rows
    ]
    return sorted(out, key=lambda c: (c.province, order.get(c.placement_type, 99)))


def counts_for(user: User, *, as_of: dt.date | None = None) -> list[TypeCount]:
    """:func:`counts_by_type` for a statistics reader: managers get their province,
    analysts the nation; small cells are suppressed for both."""
    require(user, Perm.STATS_VIEW)
    province = user.province_id if scope_of(user) is Scope.PROVINCE else None
    return counts_by_type(province, as_of, min_cell=settings.BAOVE_MIN_CELL)
