"""Read paths over cases: every one is scoped, and every read of children's records audited.

Pages, the API and exports call these functions rather than querying models themselves, so
scope checks and audit events cannot be forgotten on one path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from baove.accounts.roles import Perm, Scope, require, scope_of
from baove.audit.log import record
from baove.audit.models import AuditEvent
from baove.cases.access import access_case, scoped_cases
from baove.cases.models import (
    Approval,
    Case,
    CaseAssignment,
    CaseNote,
    CaseShare,
    Consent,
)
from baove.cases.vocab import ApprovalStatus, Category, RiskLevel, Status
from baove.registry.search import name_query

if TYPE_CHECKING:
    from baove.accounts.models import User

MAX_PAGE = 100
#: Open cases. Django writes ``is_open=True`` as a bare ``WHERE is_open``, which SQLite
#: cannot match to the (scope, is_open, ...) index prefixes; ``IN (true)`` is an equality
#: to both SQLite and PostgreSQL, so the caseload stays one index range (see benchmarks).
OPEN = Q(is_open__in=[True])
#: Actions that are reads; they stay in the audit log but not in a case's timeline.
READ_ACTIONS = ("case.view", "case.search", "case.list", "case.export")


def _ids(cases: list[Case]) -> list[int]:
    return [c.pk for c in cases]


def view_case(user: User, case_id: int | str, perm: Perm = Perm.CASE_VIEW) -> Case:
    """Return a case for display and audit the read.

    Args:
        user: The reader.
        case_id: The case asked for (any text; "not found" unless a case in scope).
        perm: The permission the page needs (a referral or placement form shows the case to
            users who hold ``REFERRAL_SEND`` or ``PLACEMENT_RECORD``).
    """
    case = access_case(user, case_id, perm)
    record(
        user, "case.view", case_id=case.pk, child_id=case.child_id, object_type="case",
        object_id=case.pk, details={} if perm is Perm.CASE_VIEW else {"for": str(perm)},
    )  # fmt: skip
    return case


@dataclass
class CaseRelated:
    """A case's related rows, with the users and agencies they show already attached."""

    categories: list[str]
    consents: list[Consent]
    approvals: list[Approval]
    notes: list[CaseNote]
    assignments: list[CaseAssignment]
    shares: list[CaseShare]


# The case page and the API detail read these lists on every view. Plain SQL through
# ``raw()`` keeps Django's field conversions but skips building each query, which cost
# 0.4 ms of CPU per list on PostgreSQL (bench/bench_cases.py): a third of the request.
_RELATED_SQL = {
    "consents": """SELECT c.*, u.username AS u_username, u.first_name AS u_first,
        u.last_name AS u_last FROM cases_consent c JOIN accounts_user u ON u.id = c.recorded_by_id
        WHERE c.case_id = %s ORDER BY c.recorded_at DESC, c.id DESC""",
    "approvals": """SELECT a.*, r.username AS r_username, r.first_name AS r_first,
        r.last_name AS r_last, d.username AS d_username, d.first_name AS d_first,
        d.last_name AS d_last FROM cases_approval a
        JOIN accounts_user r ON r.id = a.requested_by_id
        LEFT JOIN accounts_user d ON d.id = a.decided_by_id
        WHERE a.case_id = %s ORDER BY a.requested_at DESC, a.id DESC""",
    "notes": """SELECT n.*, u.username AS u_username, u.first_name AS u_first,
        u.last_name AS u_last FROM cases_casenote n JOIN accounts_user u ON u.id = n.author_id
        WHERE n.case_id = %s ORDER BY n.created_at DESC, n.id DESC""",
    "assignments": """SELECT s.*, u.username AS u_username, u.first_name AS u_first,
        u.last_name AS u_last FROM cases_caseassignment s JOIN accounts_user u ON u.id = s.user_id
        WHERE s.case_id = %s ORDER BY s.assigned_at, s.id""",
    "shares": """SELECT s.*, g.code AS g_code, g.name AS g_name FROM cases_caseshare s
        JOIN accounts_agency g ON g.id = s.agency_id
        WHERE s.case_id = %s AND s.revoked_at IS NULL ORDER BY s.shared_at, s.id""",
}


def _user(row: Any, alias: str, pk: int | None) -> User | None:
    """An unsaved stand-in for the user a row names (only what pages and the API show)."""
    from baove.accounts.models import User

    if pk is None:
        return None
    return User(
        pk=pk,
        username=getattr(row, f"{alias}_username"),
        first_name=getattr(row, f"{alias}_first"),
        last_name=getattr(row, f"{alias}_last"),
    )


def case_related(case: Case) -> CaseRelated:
    """Return the related rows shown with a case (call after an access check).

    Lists that :func:`~baove.cases.access.access_case` found empty are not queried.
    """
    from baove.accounts.models import Agency

    pk = case.pk
    has: dict[str, bool] = getattr(case, "has_related", {})

    def rows(name: str, model: type[Any]) -> list[Any]:
        if not has.get(name, True):
            return []
        return list(model.objects.raw(_RELATED_SQL[name], [pk]))

    consents = rows("consents", Consent)
    for c in consents:
        c.recorded_by = _user(c, "u", c.recorded_by_id)
    approvals = rows("approvals", Approval)
    for a in approvals:
        a.requested_by = _user(a, "r", a.requested_by_id)
        a.decided_by = _user(a, "d", a.decided_by_id)
    notes = rows("notes", CaseNote)
    for n in notes:
        n.author = _user(n, "u", n.author_id)
    assignments = rows("assignments", CaseAssignment)
    for s in assignments:
        s.user = _user(s, "u", s.user_id)
    shares = rows("shares", CaseShare)
    for sh in shares:
        sh.agency = Agency(pk=sh.agency_id, code=sh.g_code, name=sh.g_name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM cases_casecategory WHERE case_id = %s ORDER BY id", [pk])
        categories = [row[0] for row in cursor.fetchall()]
    return CaseRelated(categories, consents, approvals, notes, assignments, shares)


def _listing(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("child", "commune", "owner").only(
        "id", "reference", "status", "risk_level", "reported_at", "response_due_at",
        "first_response_at", "is_open", "version", "child__id", "child__family_name",
        "child__middle_name", "child__given_name", "child__birth_date", "child__sex",
        "commune__code", "commune__name", "owner__id", "owner__username", "owner__first_name",
        "owner__last_name",
    )  # fmt: skip


def search_cases(user: User, text: str, *, limit: int = 50) -> list[Case]:
    """Find cases in scope by child name (with or without tones), case reference or ID number.

    The read is audited with the ids of the cases returned.
    """
    require(user, Perm.CASE_SEARCH)
    text = (text or "").strip()[:200]
    limit = max(1, min(limit, MAX_PAGE))
    scoped = scoped_cases(user, Perm.CASE_SEARCH)
    compact = text.replace(" ", "").replace(".", "")
    cond: Q | None
    if len(compact) == 12 and compact.isdigit():
        cond = Q(child__id_number=compact)
    elif len(text) == 12 and text[2] == "-" and text[5] == "-" and text.isascii():
        cond = Q(reference=text.upper()) if text.replace("-", "").isalnum() else None
    else:
        cond = name_query(text)
    if cond is None:
        return []
    # Alphabetical, like a directory: the order of the scope+name index, so LIMIT stops early.
    results = list(_listing(scoped.filter(cond)).order_by("name_folded", "id")[:limit])
    record(
        user, "case.search", object_type="case",
        details={"query_length": len(text), "results": _ids(results)},
    )  # fmt: skip
    return results


@dataclass
class CaseloadPage:
    """One page of a caseload listing."""

    cases: list[Case]
    total: int
    overdue: int
    page: int
    pages: int


def caseload(
    user: User,
    *,
    mine: bool = True,
    status: str | None = None,
    risk: str | None = None,
    overdue_only: bool = False,
    page: int = 1,
    per_page: int = 50,
) -> CaseloadPage:
    """Return the user's open cases, overdue and most urgent first, one page at a time.

    Args:
        user: The worker.
        mine: Only cases the user owns or is assigned to (else all open cases in scope).
        status: Only this stage.
        risk: Only this risk level.
        overdue_only: Only cases whose first response is late.
        page: 1-based page number.
        per_page: Rows per page (at most 100).
    """
    require(user, Perm.CASE_VIEW)
    per_page = max(1, min(per_page, MAX_PAGE))
    qs = scoped_cases(user).filter(OPEN)
    if mine and scope_of(user) is not Scope.AGENCY:
        assigned = CaseAssignment.objects.filter(user=user).values("case_id")
        qs = qs.filter(Q(owner=user) | Q(id__in=assigned))
    if status in Status.values:
        qs = qs.filter(status=status)
    if risk in RiskLevel.values:
        qs = qs.filter(risk_level=risk)
    now = timezone.now()
    # A case waits for its first response exactly while it is at the "reported" stage:
    # leaving that stage (or closing) stamps first_response_at. The stage is indexed.
    waiting = Q(status=Status.REPORTED)
    late = waiting & Q(response_due_at__lt=now)
    if overdue_only:
        qs = qs.filter(late)
    # Three counts, each one index range, instead of one aggregate reading every row.
    total = qs.count()
    n_waiting = qs.filter(waiting).count()
    n_overdue = qs.filter(late).count()
    pages = max(1, -(-total // per_page))
    page = max(1, min(page, pages))
    start, end = (page - 1) * per_page, page * per_page
    # Reports still waiting for a first response come first, earliest deadline (so overdue
    # and most urgent) first; then the rest. Two slices, each in the order of the
    # (scope, is_open, response_due_at) index, instead of one sort over the whole scope.
    rows: list[Case] = []
    order = ("response_due_at", "id")
    if start < n_waiting:
        rows += _listing(qs.filter(waiting)).order_by(*order)[start : min(end, n_waiting)]
    if end > n_waiting:
        answered = qs.exclude(waiting)
        rows += _listing(answered).order_by(*order)[max(0, start - n_waiting) : end - n_waiting]
    record(user, "case.list", object_type="case", details={"results": _ids(rows)})
    return CaseloadPage(rows, total, n_overdue, page, pages)


def view_timeline(user: User, case_id: int | str) -> QuerySet[AuditEvent]:
    """Return a case's timeline on its own (the API), auditing the read like a case view."""
    case = access_case(user, case_id)
    record(
        user, "case.view", case_id=case.pk, child_id=case.child_id, object_type="case",
        object_id=case.pk, details={"part": "timeline"},
    )  # fmt: skip
    return timeline(case)


def approvals_queue(user: User, *, limit: int = 200) -> list[Approval]:
    """Return the requests waiting for this manager, oldest first, auditing whose cases
    were shown (the queue names children and carries plans and closure notes)."""
    rows = list(
        Approval.objects.filter(
            status=ApprovalStatus.PENDING, case__in=scoped_cases(user, Perm.CASE_APPROVE)
        )
        .select_related("case", "case__child", "requested_by")
        .order_by("requested_at")[:limit]
    )
    record(
        user, "case.list", object_type="approval",
        details={"results": sorted({a.case_id for a in rows}), "queue": "approvals"},
    )  # fmt: skip
    return rows


def timeline(case: Case) -> QuerySet[AuditEvent]:
    """Return everything that happened to a case, newest first (reads left out)."""
    return (
        AuditEvent.objects.filter(case_id=case.pk)
        .exclude(action__in=READ_ACTIONS)
        .order_by("-at", "-id")
    )


# Spreadsheet programs run cell text starting with these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """Return ``value`` as text that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


EXPORT_COLUMNS = [
    "reference", "status", "risk_level", "categories", "child_name", "sex", "birth_date",
    "commune_code", "commune", "reported_at", "response_due_at", "first_response_at",
    "overdue", "owner",
]  # fmt: skip


def export_cases_csv(user: User, *, open_only: bool = True) -> Iterator[str]:
    """Return a CSV export of the cases in the user's scope, as lines to stream.

    The permission check and the audit event (with the number of rows) happen on the call,
    before anything is streamed.
    """
    require(user, Perm.CASE_EXPORT)
    qs = scoped_cases(user, Perm.CASE_EXPORT)
    if open_only:
        qs = qs.filter(OPEN)
    ids = list(qs.order_by("id").values_list("id", flat=True))
    # Which children's records left the system, not only how many.
    record(
        user, "case.export", object_type="case",
        details={"rows": len(ids), "format": "csv", "results": ids},
    )  # fmt: skip
    return _csv_lines(qs)


def _csv_lines(qs: QuerySet[Case]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    now = timezone.now()
    labels = dict(Category.choices)
    for case in _listing(qs).prefetch_related("categories").order_by("id").iterator(2000):
        child = case.child
        cats = "; ".join(str(labels.get(c.code, c.code)) for c in case.categories.all())
        late = case.first_response_at is None and case.response_due_at < now and case.is_open
        writer.writerow(
            [
                neutralise(v)
                for v in (
                    case.reference, case.get_status_display(), case.get_risk_level_display(),
                    cats, child.full_name, child.get_sex_display(), child.birth_date,
                    case.commune_id, case.commune.name, case.reported_at.isoformat(),
                    case.response_due_at.isoformat(),
                    case.first_response_at.isoformat() if case.first_response_at else "",
                    _("yes") if late else _("no"), case.owner.username,
                )
            ]
        )  # fmt: skip
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
    yield buffer.getvalue()


@dataclass
class Cell:
    """One cell of an aggregate table; ``value`` is None when suppressed."""

    key: dict[str, str]
    value: int | None


def case_counts(user: User, *, by: str = "province") -> list[Cell]:
    """Count open cases by province, category, status or risk, suppressing small cells.

    Province managers get their province, analysts the nation. No names are involved, and
    cells below ``BAOVE_MIN_CELL`` (but above zero) are returned as None so that a child
    cannot be singled out.
    """
    require(user, Perm.STATS_VIEW)
    qs = Case.objects.filter(OPEN)
    if scope_of(user) is Scope.PROVINCE:
        qs = qs.filter(province_id=user.province_id)
    field = {
        "province": "province_id",
        "status": "status",
        "risk": "risk_level",
        "category": "categories__code",
    }.get(by)
    if field is None:
        raise ValueError(by)
    threshold = settings.BAOVE_MIN_CELL
    rows = list(qs.values(field).annotate(n=Count("id", distinct=True)).order_by(field))
    hidden = {i for i, row in enumerate(rows) if row["n"] < threshold}
    if len(hidden) == 1 and len(rows) > 1:
        # One hidden cell could be worked out from the total (the tables by stage and by risk
        # add up to the same open cases): hide the next smallest cell with it.
        shown = [i for i in range(len(rows)) if i not in hidden]
        hidden.add(min(shown, key=lambda i: rows[i]["n"]))
    return [
        Cell({by: str(row[field])}, None if i in hidden else row["n"]) for i, row in enumerate(rows)
    ]
