"""Cases: caseload and search, the case record, and every step of the workflow.

Views here only translate HTTP to calls: reads go through :mod:`baove.cases.reads` and
:mod:`baove.cases.access` (scoped, audited), changes through :mod:`baove.cases.actions`.
Each view first checks the role's permission (403 when the role may never do it), then
finds the case in the user's scope (404, the same answer as for a case that does not exist),
then lets the action check everything again.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from baove.accounts.models import Agency, User
from baove.accounts.roles import Perm, require
from baove.api import present
from baove.api.auth import user_of
from baove.api.pagination import PagePagination
from baove.api.schemas import (
    MAX_ID,
    ApprovalOut,
    AssignIn,
    AssignmentOut,
    CaregiverIn,
    CaregiverOut,
    CaseDetailOut,
    CaseIn,
    CaseListQuery,
    CasePageOut,
    CaseStateOut,
    CaseUpdateIn,
    ClosureIn,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    DecisionOut,
    HouseholdIn,
    HouseholdOut,
    NoteIn,
    NoteOut,
    PendingApprovalOut,
    PlanIn,
    ReopenIn,
    ShareIn,
    ShareOut,
    TimelineEventOut,
    TransitionIn,
    responses,
)
from baove.audit.models import AuditEvent
from baove.cases import actions, reads
from baove.cases.access import access_case, scoped_cases, scoped_children
from baove.cases.models import (
    Approval,
    Case,
    CaseAssignment,
    Consent,
)
from baove.cases.vocab import ApprovalKind
from baove.core.errors import DomainError, NotFound
from baove.core.text import has_control_chars
from baove.core.validation import Errors
from baove.registry import actions as registry_actions
from baove.registry.vocab import PovertyStatus, Relationship

router = Router(tags=["cases"])

CaseId = PathEx[int, P(ge=1, le=MAX_ID, description="Case id.")]
ObjectId = PathEx[int, P(ge=1, le=MAX_ID)]

_NOT_ASSIGNABLE = _("This person cannot work on cases in this area.")


def _case_for(user: User, case_id: int, perm: Perm) -> Case:
    """The case, if the role grants ``perm`` (else 403) and the case is in scope (else 404)."""
    require(user, perm)
    return access_case(user, case_id, perm)


def _state(case: Case) -> CaseStateOut:
    return present.case_state(case, [c.code for c in case.categories.all()])


@contextmanager
def _field_renamed(old: str, new: str) -> Iterator[None]:
    """Report an action's error on ``old`` under the name the API client sent (``new``)."""
    try:
        yield
    except DomainError as exc:
        if exc.field == old:
            exc.field = new
        raise


# --- reading ---------------------------------------------------------------------------


@router.get("/cases", response=responses(200, CasePageOut))
def list_cases(request: HttpRequest, filters: Query[CaseListQuery]) -> CasePageOut:
    """Your caseload, overdue and most urgent first; or, with ``q``, a search in your area.

    Without ``q``: open cases you own or are assigned to (``mine=false``: all open cases
    in your area), filtered by ``status``, ``risk`` and ``overdue``, one page at a time.
    With ``q``: up to ``per_page`` cases matching a child's name (tones optional), a case
    reference or a 12-digit ID number; the other filters are ignored.
    """
    user = user_of(request)
    if filters.q and filters.q.strip():
        found = reads.search_cases(user, filters.q, limit=filters.per_page)
        items = [present.case_list_item(c) for c in found]
        overdue = sum(1 for item in items if item.is_overdue)
        return CasePageOut(items=items, total=len(items), overdue=overdue, page=1, pages=1)
    page = reads.caseload(
        user,
        mine=filters.mine,
        status=filters.status,
        risk=filters.risk,
        overdue_only=filters.overdue,
        page=filters.page,
        per_page=filters.per_page,
    )
    return CasePageOut(
        items=[present.case_list_item(c) for c in page.cases],
        total=page.total,
        overdue=page.overdue,
        page=page.page,
        pages=page.pages,
    )


# Columns the case page shows from related rows. Loading only these (rather than whole user
# rows, password hash included) halves the cost of this, the API's hottest read.
_CONSENT_FIELDS = (
    "case_id", "purpose", "granted", "given_by", "relationship", "recorded_at", "withdrawn_at",
    "recorded_by__username",
)  # fmt: skip
_APPROVAL_FIELDS = (
    "case_id", "kind", "status", "payload", "requested_at", "decided_at", "comment",
    "requested_by__username", "decided_by__username",
)  # fmt: skip


def _user_fields(relation: str) -> tuple[str, ...]:
    # What present.user_ref shows: the username and the parts of the display name.
    return tuple(f"{relation}__{name}" for name in ("username", "first_name", "last_name"))


@router.get("/cases/{case_id}", response=responses(200, CaseDetailOut))
def get_case(request: HttpRequest, case_id: CaseId) -> CaseDetailOut:
    """The case record: child, categories, consents, approvals, notes, what you may do.

    Every read is written to the audit log.
    """
    user = user_of(request)
    require(user, Perm.CASE_VIEW)
    case = reads.view_case(user, case_id)
    related = reads.case_related(case)
    return present.case_detail(
        case,
        user,
        categories=related.categories,
        consents=related.consents,
        approvals=related.approvals,
        notes=related.notes,
        assignments=related.assignments,
        shares=related.shares,
    )


@router.get("/cases/{case_id}/timeline", response=responses(200, list[TimelineEventOut]))
@paginate(PagePagination)
def case_timeline(request: HttpRequest, case_id: CaseId) -> QuerySet[AuditEvent]:
    """Everything that happened to the case, newest first (reads are left out)."""
    user = user_of(request)
    require(user, Perm.CASE_VIEW)
    return reads.view_timeline(user, case_id)


# --- intake and changes ------------------------------------------------------------------


@router.post("/cases", response=responses(201, CaseStateOut))
def open_case(request: HttpRequest, payload: CaseIn) -> Status[CaseStateOut]:
    """Register a report: a new case for a new child (``child``) or a known one (``child_id``).

    Invalid input is refused with every field's message and nothing is written.
    """
    user = user_of(request)
    require(user, Perm.CASE_CREATE)
    if (payload.child is None) == (payload.child_id is None):
        errors = Errors()
        errors.add("child", _("Send either child_id (a registered child) or child (a new one)."))
        errors.raise_if_any()
    child = None
    if payload.child_id is not None:
        child = scoped_children(user).select_related("commune").filter(pk=payload.child_id).first()
        if child is None:
            raise NotFound(_("Child not found."), field="child_id")
    case_data: dict[str, Any] = {
        "categories": [str(c) for c in payload.categories],
        "risk_level": payload.risk_level,
        "summary": payload.summary,
        "intake_source": payload.intake_source,
    }
    if payload.reported_at is not None:
        case_data["reported_at"] = payload.reported_at
    case = actions.open_case(
        acting_user=user,
        case_data=case_data,
        child=child,
        child_data=payload.child.model_dump() if payload.child is not None else None,
    )
    return Status(201, _state(case))


@router.patch("/cases/{case_id}", response=responses(200, CaseStateOut))
def update_case(request: HttpRequest, case_id: CaseId, payload: CaseUpdateIn) -> CaseStateOut:
    """Change the risk level, categories or summary (fields left out stay as they are)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_UPDATE)
    case = actions.update_case(
        case,
        acting_user=user,
        expected_version=payload.expected_version,
        risk_level=payload.risk_level,
        categories=[str(c) for c in payload.categories] if payload.categories is not None else None,
        summary=payload.summary,
    )
    return _state(case)


@router.post("/cases/{case_id}/transition", response=responses(200, CaseStateOut))
def transition_case(request: HttpRequest, case_id: CaseId, payload: TransitionIn) -> CaseStateOut:
    """Move the case one stage forward (409 when the step is not allowed from here)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_TRANSITION)
    case = actions.advance_case(
        case, to_status=payload.to_status, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _state(case)


@router.post("/cases/{case_id}/notes", response=responses(201, NoteOut))
def add_note(request: HttpRequest, case_id: CaseId, payload: NoteIn) -> Status[NoteOut]:
    """Write a note on the case."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_NOTE)
    note = actions.add_note(case, text=payload.text, acting_user=user)
    return Status(201, present.note(note))


@router.post("/cases/{case_id}/caregivers", response=responses(201, CaregiverOut))
def add_caregiver(
    request: HttpRequest, case_id: CaseId, payload: CaregiverIn
) -> Status[CaregiverOut]:
    """Record a caregiver of the case's child and how they are related."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_UPDATE)
    data = payload.model_dump()
    data["sex"] = data["sex"] or ""
    link = registry_actions.add_caregiver(case.child, data=data, acting_user=user, case_id=case.pk)
    return Status(
        201,
        CaregiverOut(
            child_id=link.child_id, caregiver_id=link.caregiver_id,
            full_name=link.caregiver.full_name, relationship=Relationship(link.relationship),
            is_primary=link.is_primary, lives_with_child=link.lives_with_child,
        ),
    )  # fmt: skip


@router.put("/cases/{case_id}/household", response=responses(200, HouseholdOut))
def set_household(request: HttpRequest, case_id: CaseId, payload: HouseholdIn) -> HouseholdOut:
    """Record the household the case's child lives in (created on first use)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_UPDATE)
    household = registry_actions.set_household(
        case.child, data=payload.model_dump(), acting_user=user, case_id=case.pk
    )
    return HouseholdOut(
        id=household.pk, commune=household.commune_id, address=household.address,
        poverty_status=PovertyStatus(household.poverty_status),
    )  # fmt: skip


@router.post("/cases/{case_id}/consents", response=responses(201, ConsentOut))
def record_consent(request: HttpRequest, case_id: CaseId, payload: ConsentIn) -> Status[ConsentOut]:
    """Record that the child or a caregiver gave (or refused) consent."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_CONSENT)
    consent = actions.record_consent(
        case, purpose=payload.purpose, granted=payload.granted, given_by=payload.given_by,
        relationship=payload.relationship, acting_user=user,
    )  # fmt: skip
    return Status(201, present.consent(consent))


@router.post("/consents/{consent_id}/withdraw", response=responses(200, ConsentOut))
def withdraw_consent(request: HttpRequest, consent_id: ObjectId) -> ConsentOut:
    """Record that a consent was withdrawn (withdrawn sharing consent ends the shares)."""
    user = user_of(request)
    require(user, Perm.CASE_CONSENT)
    consent = (
        Consent.objects.select_related("case")
        .filter(pk=consent_id, case__in=scoped_cases(user, Perm.CASE_CONSENT))
        .first()
    )
    if consent is None:
        raise NotFound(_("Consent not found."))
    consent = actions.withdraw_consent(consent, acting_user=user)
    return present.consent(consent)


@router.post("/cases/{case_id}/plan", response=responses(201, ApprovalOut))
def submit_plan(request: HttpRequest, case_id: CaseId, payload: PlanIn) -> Status[ApprovalOut]:
    """Submit the case plan for a manager's approval (at the case plan stage)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_PLAN_SUBMIT)
    approval = actions.submit_case_plan(case, plan=payload.plan, acting_user=user)
    return Status(201, present.approval(approval))


@router.post("/cases/{case_id}/closure", response=responses(201, ApprovalOut))
def request_closure(
    request: HttpRequest, case_id: CaseId, payload: ClosureIn
) -> Status[ApprovalOut]:
    """Ask a manager to close the case."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_CLOSE_REQUEST)
    approval = actions.request_closure(
        case, reason=payload.reason, note=payload.note, acting_user=user
    )
    return Status(201, present.approval(approval))


@router.get("/approvals", response=responses(200, list[PendingApprovalOut]))
def pending_approvals(request: HttpRequest) -> list[PendingApprovalOut]:
    """Requests waiting for a manager's decision in your area, oldest first."""
    user = user_of(request)
    require(user, Perm.CASE_APPROVE)
    return [
        PendingApprovalOut(
            id=a.pk,
            kind=ApprovalKind(a.kind),
            case_id=a.case_id,
            case_reference=a.case.reference,
            requested_by=a.requested_by.username,
            requested_at=a.requested_at,
            can_decide=a.requested_by_id != user.pk,
        )
        for a in reads.approvals_queue(user)
    ]


@router.post("/approvals/{approval_id}/decision", response=responses(200, DecisionOut))
def decide_approval(
    request: HttpRequest, approval_id: ObjectId, payload: DecisionIn
) -> DecisionOut:
    """Approve or reject a request; approving applies it (another manager must decide)."""
    user = user_of(request)
    require(user, Perm.CASE_APPROVE)
    approval = (
        Approval.objects.select_related("case")
        .filter(pk=approval_id, case__in=scoped_cases(user, Perm.CASE_APPROVE))
        .first()
    )
    if approval is None:
        raise NotFound(_("Approval request not found."))
    approval = actions.decide_approval(
        approval, approve=payload.approve, comment=payload.comment, acting_user=user
    )
    case = access_case(user, approval.case_id, Perm.CASE_APPROVE)
    return DecisionOut(approval=present.approval(approval), case=_state(case))


@router.post("/cases/{case_id}/reopen", response=responses(200, CaseStateOut))
def reopen_case(request: HttpRequest, case_id: CaseId, payload: ReopenIn) -> CaseStateOut:
    """Reopen a closed case at the assessment stage."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_REOPEN)
    case = actions.reopen_case(
        case, reason=payload.reason, acting_user=user, expected_version=payload.expected_version
    )
    return _state(case)


@router.post("/cases/{case_id}/assignments", response=responses(200, AssignmentOut))
def assign_case(request: HttpRequest, case_id: CaseId, payload: AssignIn) -> AssignmentOut:
    """Assign a worker whose area covers the case (assigning twice changes nothing)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_ASSIGN)
    to_user = User.objects.filter(username=payload.username).first()
    if to_user is None:
        # Same answer as for an existing user who cannot take the case: usernames stay private.
        raise DomainError(_NOT_ASSIGNABLE, field="username")
    with _field_renamed("user", "username"):
        actions.assign_case(case, to_user=to_user, acting_user=user)
    row = CaseAssignment.objects.select_related("user").get(case=case, user=to_user)
    return present.assignment(row)


@router.delete("/cases/{case_id}/assignments/{username}", response=responses(204, None))
def unassign_case(request: HttpRequest, case_id: CaseId, username: str) -> Status[None]:
    """Remove a worker's assignment."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_ASSIGN)
    # Path text goes to the database only if it can be a username (NUL bytes cannot).
    clean = not has_control_chars(username) and len(username) <= 150
    other = User.objects.filter(username=username).first() if clean else None
    if other is None:
        raise DomainError(_("This person is not assigned to the case."), field="username")
    with _field_renamed("user", "username"):
        actions.unassign_case(case, user=other, acting_user=user)
    return Status(204, None)


@router.post("/cases/{case_id}/shares", response=responses(200, ShareOut))
def share_case(request: HttpRequest, case_id: CaseId, payload: ShareIn) -> ShareOut:
    """Share the case with an agency (needs standing consent to sharing)."""
    user = user_of(request)
    case = _case_for(user, case_id, Perm.CASE_SHARE)
    agency = Agency.objects.filter(code=payload.agency_code.strip()).first()
    if agency is None:
        raise DomainError(_("Unknown agency code."), field="agency_code")
    with _field_renamed("agency", "agency_code"):
        row = actions.share_case(case, agency=agency, acting_user=user)
    return present.share(row)
