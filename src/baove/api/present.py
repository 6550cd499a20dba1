"""Turn rows already loaded into response schemas, without touching the database again.

Each builder reads only fields its caller loaded (``reads._listing`` defers the rest, so a
stray attribute here would cost one query per row); tests pin the query counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from baove.accounts.roles import Perm, perms_of
from baove.api import schemas as s
from baove.cases.actions import consent_stands, services_blockers
from baove.cases.vocab import (
    TRANSITIONS,
    ApprovalKind,
    ApprovalStatus,
    Category,
    ClosureReason,
    ConsentPurpose,
    IntakeSource,
    RiskLevel,
    Status,
)
from baove.registry.vocab import Disability, Sex, YesNoUnknown

if TYPE_CHECKING:
    from baove.accounts.models import User
    from baove.cases.models import (
        Approval,
        Case,
        CaseAssignment,
        CaseNote,
        CaseShare,
        Consent,
    )

#: Stage order, for listing next stages in workflow order.
_STAGE_ORDER = {status: i for i, status in enumerate(Status.values)}


def user_ref(user: User) -> s.UserRefOut:
    """A user as shown next to records: username and display name."""
    return s.UserRefOut(username=user.username, display_name=user.display_name())


def case_list_item(case: Case) -> s.CaseListItemOut:
    """One row of a caseload or search result (fields of ``reads._listing`` only)."""
    child = case.child
    return s.CaseListItemOut(
        id=case.pk,
        reference=case.reference,
        status=Status(case.status),
        risk_level=RiskLevel(case.risk_level),
        is_open=case.is_open,
        is_overdue=case.is_overdue,
        reported_at=case.reported_at,
        response_due_at=case.response_due_at,
        first_response_at=case.first_response_at,
        version=case.version,
        child=s.ChildBriefOut(
            id=child.pk, full_name=child.full_name, sex=Sex(child.sex), birth_date=child.birth_date
        ),
        commune=s.PlaceOut(code=case.commune.code, name=case.commune.name),
        owner=user_ref(case.owner),
    )


def case_state(case: Case, categories: list[str]) -> s.CaseStateOut:
    """A case after a change (its own columns, plus the categories given)."""
    return s.CaseStateOut(
        id=case.pk,
        reference=case.reference,
        child_id=case.child_id,
        status=Status(case.status),
        risk_level=RiskLevel(case.risk_level),
        summary=case.summary,
        categories=[Category(c) for c in categories],
        is_open=case.is_open,
        is_overdue=case.is_overdue,
        reported_at=case.reported_at,
        response_due_at=case.response_due_at,
        first_response_at=case.first_response_at,
        plan_approved_at=case.plan_approved_at,
        closure_reason=ClosureReason(case.closure_reason) if case.closure_reason else None,
        closed_at=case.closed_at,
        version=case.version,
    )


def consent(row: Consent) -> s.ConsentOut:
    """A consent (``recorded_by`` must be loaded)."""
    return s.ConsentOut(
        id=row.pk,
        case_id=row.case_id,
        purpose=ConsentPurpose(row.purpose),
        granted=row.granted,
        given_by=row.given_by,
        relationship=row.relationship,
        recorded_by=row.recorded_by.username,
        recorded_at=row.recorded_at,
        withdrawn_at=row.withdrawn_at,
    )


def note(row: CaseNote) -> s.NoteOut:
    """A case note (``author`` must be loaded)."""
    return s.NoteOut(
        id=row.pk,
        case_id=row.case_id,
        author=user_ref(row.author),
        text=row.text,
        created_at=row.created_at,
    )


def approval(row: Approval) -> s.ApprovalOut:
    """A request for approval (``requested_by`` and ``decided_by`` must be loaded)."""
    payload = row.payload if isinstance(row.payload, dict) else {}
    return s.ApprovalOut(
        id=row.pk,
        case_id=row.case_id,
        kind=ApprovalKind(row.kind),
        status=ApprovalStatus(row.status),
        plan=payload.get("plan"),
        closure_reason=ClosureReason(payload["reason"]) if payload.get("reason") else None,
        note=payload.get("note"),
        requested_by=row.requested_by.username,
        requested_at=row.requested_at,
        decided_by=row.decided_by.username if row.decided_by else None,
        decided_at=row.decided_at,
        comment=row.comment,
    )


def assignment(row: CaseAssignment) -> s.AssignmentOut:
    """A worker assigned to a case (``user`` must be loaded)."""
    return s.AssignmentOut(
        case_id=row.case_id,
        username=row.user.username,
        display_name=row.user.display_name(),
        assigned_at=row.assigned_at,
    )


def share(row: CaseShare) -> s.ShareOut:
    """A case shared with an agency (``agency`` must be loaded)."""
    return s.ShareOut(
        case_id=row.case_id,
        agency_code=row.agency.code,
        agency_name=row.agency.name,
        shared_at=row.shared_at,
    )


def case_detail(
    case: Case,
    user: User,
    *,
    categories: list[str],
    consents: list[Consent],
    approvals: list[Approval],
    notes: list[CaseNote],
    assignments: list[CaseAssignment],
    shares: list[CaseShare],
) -> s.CaseDetailOut:
    """The full case for its page, from the case (with ``child``, ``commune``, ``province``
    and ``owner`` loaded) and its related rows (with their users and agencies loaded).

    ``consents`` and ``approvals`` must be newest first, as the models order them.
    """
    child = case.child
    perms = perms_of(user)
    pending = [a for a in approvals if a.status == ApprovalStatus.PENDING]

    next_statuses: list[Status] = []
    if case.is_open and Perm.CASE_TRANSITION in perms:
        for target in sorted(TRANSITIONS[case.status], key=_STAGE_ORDER.__getitem__):
            # Display only, from the rows already loaded: the action checks again.
            if target == Status.SERVICES and services_blockers(
                case, consents=consents, pending_kinds={a.kind for a in pending}
            ):
                continue
            next_statuses.append(Status(target))

    allowed: list[s.AllowedAction] = []
    if case.is_open and Perm.CASE_UPDATE in perms:
        allowed.append("update")
    if next_statuses:
        allowed.append("transition")
    if Perm.CASE_NOTE in perms:
        allowed.append("note")
    if Perm.CASE_CONSENT in perms:
        allowed.append("consent")
    if (
        Perm.CASE_PLAN_SUBMIT in perms
        and case.status == Status.CASE_PLAN
        and not any(a.kind == "case_plan" for a in pending)
    ):
        allowed.append("submit_plan")
    if (
        Perm.CASE_CLOSE_REQUEST in perms
        and case.is_open
        and not any(a.kind == "closure" for a in pending)
    ):
        allowed.append("request_closure")
    if Perm.CASE_APPROVE in perms and any(a.requested_by_id != user.pk for a in pending):
        allowed.append("decide_approval")
    if Perm.CASE_REOPEN in perms and not case.is_open:
        allowed.append("reopen")
    if Perm.CASE_ASSIGN in perms:
        allowed.append("assign")
    if Perm.CASE_SHARE in perms and consent_stands(consents, ConsentPurpose.SHARING):
        allowed.append("share")

    return s.CaseDetailOut(
        id=case.pk,
        reference=case.reference,
        status=Status(case.status),
        risk_level=RiskLevel(case.risk_level),
        summary=case.summary,
        intake_source=IntakeSource(case.intake_source),
        categories=[Category(c) for c in categories],
        is_open=case.is_open,
        is_overdue=case.is_overdue,
        reported_at=case.reported_at,
        response_due_at=case.response_due_at,
        first_response_at=case.first_response_at,
        plan_text=case.plan_text,
        plan_approved_at=case.plan_approved_at,
        closure_reason=ClosureReason(case.closure_reason) if case.closure_reason else None,
        closed_at=case.closed_at,
        version=case.version,
        commune=s.PlaceOut(code=case.commune.code, name=case.commune.name),
        province=s.PlaceOut(code=case.province.code, name=case.province.name),
        owner=user_ref(case.owner),
        child=s.ChildOut(
            id=child.pk,
            full_name=child.full_name,
            family_name=child.family_name,
            middle_name=child.middle_name,
            given_name=child.given_name,
            sex=Sex(child.sex),
            birth_date=child.birth_date,
            birth_date_estimated=child.birth_date_estimated,
            ethnicity=child.ethnicity,
            disability=Disability(child.disability),
            id_number=child.id_number,
            birth_registered=YesNoUnknown(child.birth_registered),
            health_insurance=YesNoUnknown(child.health_insurance),
            commune=child.commune_id,
            address=child.address,
            version=child.version,
        ),
        assignments=[assignment(a) for a in assignments],
        shares=[share(sh) for sh in shares],
        consents=[consent(c) for c in consents],
        approvals=[approval(a) for a in approvals],
        notes=[note(n) for n in notes],
        allowed_actions=allowed,
        next_statuses=next_statuses,
    )
