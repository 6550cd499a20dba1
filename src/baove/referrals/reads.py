"""Read paths over referrals: scoped by side, and every read of a child's referral audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.cases.access import scoped_cases
from baove.referrals.access import Side, access_referral, scoped_referrals, side_of
from baove.referrals.models import Referral, ReferralEvent
from baove.referrals.vocab import ReferralStatus

if TYPE_CHECKING:
    from baove.accounts.models import User
    from baove.cases.models import Case

MAX_PAGE = 100
# ``IN (true)`` rather than a bare boolean, so SQLite matches the (side, is_open, overdue,
# respond_by) index prefixes (the same trick as baove.cases.reads.OPEN).
OPEN = Q(is_open__in=[True])
LATE = Q(overdue__in=[True])
ON_TIME = Q(overdue__in=[False])
#: Filter values of the list: open (default), closed, or one status.
STATES = ("open", "closed", *ReferralStatus.values)


@dataclass
class ReferralPage:
    """One page of a referral list."""

    referrals: list[Referral]
    total: int
    overdue: int
    page: int
    pages: int
    side: Side


def _listing(qs: QuerySet[Referral], side: Side) -> QuerySet[Referral]:
    related = ["service", "to_agency", "from_commune"]
    if side is Side.SENDER:
        related.append("child")  # the receiving side sees the snapshot, never the child row
    return qs.select_related(*related)


def list_referrals(
    user: User,
    *,
    state: str = "open",
    overdue_only: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> ReferralPage:
    """Return the referrals of the user's side, open ones late first, then by deadline.

    Senders (commune officers, managers) get the referrals sent from their area; receiving
    staff the referrals sent to their agency. The read is audited with the ids shown.
    """
    require(user, Perm.REFERRAL_VIEW)
    side = side_of(user)
    per_page = max(1, min(per_page, MAX_PAGE))
    qs = scoped_referrals(user)
    state = state if state in STATES else "open"
    if state == "open":
        qs = qs.filter(OPEN)
    elif state == "closed":
        qs = qs.filter(is_open__in=[False])
    else:
        qs = qs.filter(status=state)
    if overdue_only:
        qs = qs.filter(OPEN & LATE)
    total = qs.count()
    n_late = qs.filter(OPEN & LATE).count() if state in ("open",) or overdue_only else 0
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    start, end = (page - 1) * per_page, page * per_page
    rows: list[Referral] = []
    if state == "open" and not overdue_only:
        # Late ones first, each slice in the order of the side's index (no sort of the lot).
        order = ("respond_by", "id")
        if start < n_late:
            rows += _listing(qs.filter(LATE), side).order_by(*order)[start : min(end, n_late)]
        if end > n_late:
            rows += _listing(qs.filter(ON_TIME), side).order_by(*order)[
                max(0, start - n_late) : end - n_late
            ]
    else:
        rows = list(_listing(qs, side).order_by("-sent_at", "-id")[start:end])
    record(
        user, "referral.list", object_type="referral",
        details={"results": [r.pk for r in rows], "state": state},
    )  # fmt: skip
    return ReferralPage(rows, total, n_late, page, pages, side)


def view_referral(user: User, referral_id: int | str) -> Referral:
    """Return a referral for display and audit the read."""
    referral = access_referral(user, referral_id)
    record(
        user, "referral.view", case_id=referral.case_id, child_id=referral.child_id,
        object_type="referral", object_id=referral.pk,
    )  # fmt: skip
    return referral


def events(referral: Referral) -> list[ReferralEvent]:
    """Return a referral's history, oldest first (call after an access check)."""
    return list(referral.events.select_related("actor").order_by("at", "id"))


def child_chain(user: User, case: Case, *, limit: int = 100) -> list[Referral]:
    """Every referral of the case's child from the cases ``user`` may see, newest first.

    One query on the (child, sent_at) index; the child's cases are checked against the
    user's case scope in the same statement.
    """
    visible = scoped_cases(user).filter(child_id=case.child_id).values("id")
    return list(
        Referral.objects.filter(child_id=case.child_id, case_id__in=visible)
        .select_related("service", "to_agency", "case")
        .order_by("-sent_at", "-id")[:limit]
    )


def overdue_for(user: User, *, limit: int = 5) -> tuple[int, list[Referral]]:
    """Return how many open referrals of the user's side are overdue, and the first few."""
    qs = scoped_referrals(user).filter(OPEN & LATE)
    total = qs.count()
    if not total:
        return 0, []
    rows = list(qs.select_related("to_agency").order_by("respond_by", "id")[:limit])
    return total, rows
