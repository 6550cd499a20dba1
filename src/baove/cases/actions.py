"""Every state change of a case goes through one of these functions.

Each action is atomic, checks the acting user's permission and scope, and writes exactly
one audit event. A refused action raises a :mod:`baove.core.errors` error with a translated
message and changes nothing. Actions that edit the case itself take the ``expected_version``
the user saw and fail with :class:`~baove.core.errors.Conflict` if someone else changed the
case in between (compare-and-set in one UPDATE, so it holds on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import CASEWORKER_ROLES, Perm, Role, Scope, require, scope_of
from baove.audit.log import record
from baove.cases.access import access_case
from baove.cases.models import (
    Approval,
    Case,
    CaseAssignment,
    CaseCategory,
    CaseNote,
    CaseShare,
    Consent,
)
from baove.cases.vocab import (
    OPEN_STATUSES,
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
from baove.core.errors import (
    ActionNotAllowed,
    Conflict,
    ConsentMissing,
    DomainError,
    IllegalTransition,
)
from baove.core.validation import Errors
from baove.registry.actions import build_child, check_commune_in_scope, save_new_child

if TYPE_CHECKING:
    from baove.accounts.models import Agency, User
    from baove.registry.models import Child

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CONFLICT = _("Someone else changed this case after you opened it. Reload it and try again.")


def response_due(reported_at: dt.datetime, risk_level: str) -> dt.datetime:
    """Return when the first response to a report is due, by risk level (configurable)."""
    return reported_at + dt.timedelta(hours=settings.BAOVE_RESPONSE_HOURS[risk_level])


def new_reference(province_code: str, when: dt.datetime) -> str:
    """Return a fresh case reference such as ``01-26-7K3Q9X`` (province, year, random)."""
    suffix = "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
    return f"{province_code}-{when:%y}-{suffix}"


def _categories(errors: Errors, values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        errors.add("categories", _("Choose at least one category."))
        return []
    out: list[str] = []
    for value in values:
        if value not in Category.values:
            errors.add("categories", _("Choose one of the listed options."))
            return []
        if value not in out:
            out.append(value)
    return out


def _cas_update(case: Case, expected_version: int, **fields: Any) -> None:
    """Apply ``fields`` only if the case is still at ``expected_version``."""
    done = Case.objects.filter(pk=case.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not done:
        raise Conflict(_CONFLICT)
    case.refresh_from_db()


def _rescope(case: Case, user: User, perm: Perm, expected_version: int | None = None) -> Case:
    """Re-check that ``user`` may act on ``case`` with ``perm`` (same 'not found' answer).

    With ``expected_version``, a case changed since the user read it is a conflict before
    anything else is judged: the user decided on a state that is gone.
    """
    require(user, perm)
    fresh = access_case(user, case.pk, perm)
    if expected_version is not None and fresh.version != expected_version:
        raise Conflict(_CONFLICT)
    return fresh


def open_case(
    *,
    acting_user: User,
    case_data: Mapping[str, Any],
    child: Child | None = None,
    child_data: Mapping[str, Any] | None = None,
) -> Case:
    """Register a report: a new case for an existing child or for a newly registered one.

    Args:
        acting_user: The worker taking the report; becomes the owner.
        case_data: ``categories`` (list), ``risk_level``, ``summary``, ``intake_source``,
            optional ``reported_at`` (aware datetime; defaults to now).
        child: An existing child the user can see, or None to register ``child_data``.
        child_data: Fields of a new child (see :func:`baove.registry.actions.build_child`).

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
    """
    require(acting_user, Perm.CASE_CREATE)
    errors = Errors()
    new_child: Child | None = None
    if child is None:
        new_child = build_child(errors, child_data or {})
    categories = _categories(errors, case_data.get("categories"))
    risk = errors.choice("risk_level", case_data.get("risk_level"), set(RiskLevel.values))
    summary = errors.text(
        "summary", case_data.get("summary"), max_length=4000, multiline=True, required=True
    )
    source = errors.choice(
        "intake_source", case_data.get("intake_source", "other"), set(IntakeSource.values)
    )
    reported_at = case_data.get("reported_at") or timezone.now()
    if not isinstance(reported_at, dt.datetime) or timezone.is_naive(reported_at):
        errors.add("reported_at", _("This is not a valid date and time."))
        reported_at = timezone.now()
    elif reported_at > timezone.now() + dt.timedelta(minutes=5):
        errors.add("reported_at", _("This date is in the future."))
    errors.raise_if_any()
    subject = child if child is not None else new_child
    assert subject is not None
    if timezone.localtime(reported_at).date() < subject.birth_date:
        errors.add("reported_at", _("The report cannot be older than the child."))
        errors.raise_if_any()
    check_commune_in_scope(acting_user, subject.commune)
    with transaction.atomic():
        if new_child is not None:
            save_new_child(new_child)
        case = Case(
            child=subject,
            status=Status.REPORTED,
            risk_level=risk,
            summary=summary,
            intake_source=source,
            commune=subject.commune,
            province_id=subject.commune.province_id,
            name_folded=subject.name_folded,
            given_first_folded=subject.given_first_folded,
            owner=acting_user,
            reported_at=reported_at,
            response_due_at=response_due(reported_at, risk),
        )
        for _attempt in range(5):  # a random reference collides about once in 10^9 cases
            case.reference = new_reference(case.province_id, reported_at)
            try:
                with transaction.atomic():
                    case.save()
                break
            except IntegrityError:
                case.pk = None
        else:  # pragma: no cover - practically unreachable
            raise Conflict(_("Could not allocate a case reference; try again."))
        CaseCategory.objects.bulk_create([CaseCategory(case=case, code=c) for c in categories])
        record(
            acting_user,
            "case.open",
            case_id=case.pk,
            child_id=subject.pk,
            object_type="case",
            object_id=case.pk,
            details={
                "new_child": new_child is not None,
                "risk_level": risk,
                "categories": categories,
            },
        )
    return case


def update_case(
    case: Case,
    *,
    acting_user: User,
    expected_version: int,
    risk_level: str | None = None,
    categories: list[str] | None = None,
    summary: str | None = None,
) -> Case:
    """Change a case's risk level, categories or summary.

    A new risk level moves the response deadline when no response has been made yet.
    """
    case = _rescope(case, acting_user, Perm.CASE_UPDATE, expected_version)
    if not case.is_open:
        raise IllegalTransition(_("A closed case cannot be changed; reopen it first."))
    errors = Errors()
    fields: dict[str, Any] = {}
    new_categories: list[str] | None = None
    if risk_level is not None:
        fields["risk_level"] = errors.choice("risk_level", risk_level, set(RiskLevel.values))
    if categories is not None:
        new_categories = _categories(errors, categories)
    if summary is not None:
        fields["summary"] = errors.text(
            "summary", summary, max_length=4000, multiline=True, required=True
        )
    errors.raise_if_any()
    if "risk_level" in fields and case.first_response_at is None:
        fields["response_due_at"] = response_due(case.reported_at, fields["risk_level"])
    with transaction.atomic():
        _cas_update(case, expected_version, **fields)
        if new_categories is not None:
            CaseCategory.objects.filter(case=case).exclude(code__in=new_categories).delete()
            existing = set(CaseCategory.objects.filter(case=case).values_list("code", flat=True))
            CaseCategory.objects.bulk_create(
                [CaseCategory(case=case, code=c) for c in new_categories if c not in existing]
            )
        changed = sorted(fields) + (["categories"] if new_categories is not None else [])
        record(
            acting_user,
            "case.update",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="case",
            object_id=case.pk,
            details={"fields": changed, **{k: v for k, v in fields.items() if k == "risk_level"}},
        )
    return case


def consent_stands(consents: Iterable[Consent], purpose: str) -> bool:
    """Return True when the latest answer for ``purpose`` is given and not withdrawn.

    Args:
        consents: The case's consents, newest first (as the model orders them).
        purpose: A :class:`ConsentPurpose` value.
    """
    latest = next((c for c in consents if c.purpose == purpose), None)
    return latest is not None and latest.granted and latest.withdrawn_at is None


def has_consent(case: Case, purpose: str) -> bool:
    """Return True when the latest recorded consent for ``purpose`` is given and standing."""
    return consent_stands(Consent.objects.filter(case=case, purpose=purpose)[:1], purpose)


def services_blockers(
    case: Case, *, consents: Iterable[Consent], pending_kinds: Collection[str]
) -> list[DomainError]:
    """Why the case cannot move into services now, most basic first (empty: it can).

    One rule for the action, the case page and the API.

    Args:
        case: The case.
        consents: Its consents, newest first.
        pending_kinds: The kinds of its approval requests still waiting.
    """
    blockers: list[DomainError] = []
    if case.plan_approved_at is None:
        blockers.append(IllegalTransition(_("The case plan must be approved by a manager first.")))
    if ApprovalKind.CASE_PLAN in pending_kinds:
        blockers.append(
            IllegalTransition(
                _("A new case plan is waiting for approval; wait for the manager's decision.")
            )
        )
    # Checked on every move into services (also back from follow-up): consent can be
    # withdrawn at any time.
    if not consent_stands(consents, ConsentPurpose.SERVICES):
        blockers.append(
            ConsentMissing(
                _("Record the child's or caregiver's consent to services before starting them.")
            )
        )
    return blockers


def advance_case(case: Case, *, to_status: str, acting_user: User, expected_version: int) -> Case:
    """Move a case one stage forward along the workflow.

    Raises:
        IllegalTransition: The step is not allowed from the current stage, or the case plan
            is not approved yet (for moving into services).
        ConsentMissing: Moving into services without consent to services.
        Conflict: The case changed since ``expected_version``.
    """
    case = _rescope(case, acting_user, Perm.CASE_TRANSITION, expected_version)
    if to_status not in Status.values or to_status not in TRANSITIONS[case.status]:
        raise IllegalTransition(
            _("A case cannot move from “%(src)s” to “%(dst)s”.")
            % {
                "src": Status(case.status).label,
                "dst": Status(to_status).label if to_status in Status.values else to_status,
            }
        )
    fields: dict[str, Any] = {"status": to_status}
    if to_status == Status.SERVICES:
        pending = Approval.objects.filter(case=case, status=ApprovalStatus.PENDING)
        blockers = services_blockers(
            case,
            consents=Consent.objects.filter(case=case, purpose=ConsentPurpose.SERVICES)[:1],
            pending_kinds=set(pending.values_list("kind", flat=True)),
        )
        if blockers:
            raise blockers[0]
    if case.first_response_at is None:
        fields["first_response_at"] = timezone.now()
    previous = case.status
    with transaction.atomic():
        _cas_update(case, expected_version, **fields)
        record(
            acting_user,
            "case.transition",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="case",
            object_id=case.pk,
            details={"from": previous, "to": to_status},
        )
    return case


def _caseworker_covers(user: User, case: Case) -> bool:
    if Role(user.role) not in CASEWORKER_ROLES or not user.is_active:
        return False
    scope = scope_of(user)
    if scope is Scope.COMMUNE:
        return user.commune_id == case.commune_id
    return scope is Scope.PROVINCE and user.province_id == case.province_id


def assign_case(case: Case, *, to_user: User, acting_user: User) -> Case:
    """Assign a worker to a case (idempotent: assigning twice keeps one assignment).

    Raises:
        DomainError: ``to_user`` is not a case worker whose area covers the case.
    """
    case = _rescope(case, acting_user, Perm.CASE_ASSIGN)
    if not _caseworker_covers(to_user, case):
        raise DomainError(_("This person cannot work on cases in this area."), field="user")
    with transaction.atomic():
        _assignment, created = CaseAssignment.objects.get_or_create(
            case=case, user=to_user, defaults={"assigned_by": acting_user}
        )
        record(
            acting_user,
            "case.assign",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="user",
            object_id=to_user.pk,
            details={"user": to_user.username, "already_assigned": not created},
        )
    return case


def unassign_case(case: Case, *, user: User, acting_user: User) -> Case:
    """Remove a worker's assignment from a case."""
    case = _rescope(case, acting_user, Perm.CASE_ASSIGN)
    with transaction.atomic():
        removed, _n = CaseAssignment.objects.filter(case=case, user=user).delete()
        if not removed:
            raise DomainError(_("This person is not assigned to the case."), field="user")
        record(
            acting_user,
            "case.unassign",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="user",
            object_id=user.pk,
            details={"user": user.username},
        )
    return case


def add_note(case: Case, *, text: str, acting_user: User) -> CaseNote:
    """Add a note to a case."""
    case = _rescope(case, acting_user, Perm.CASE_NOTE)
    errors = Errors()
    clean = errors.text("text", text, max_length=8000, multiline=True, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=acting_user, text=clean)
        record(
            acting_user,
            "case.note",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="note",
            object_id=note.pk,
        )
    return note


def record_consent(
    case: Case,
    *,
    purpose: str,
    granted: bool,
    given_by: str,
    relationship: str,
    acting_user: User,
) -> Consent:
    """Record that the child or a caregiver gave (or refused) consent for ``purpose``."""
    case = _rescope(case, acting_user, Perm.CASE_CONSENT)
    errors = Errors()
    purpose = errors.choice("purpose", purpose, set(ConsentPurpose.values))
    granted = errors.boolean("granted", granted)
    given_by = errors.text("given_by", given_by, max_length=150, required=True)
    relationship = errors.text("relationship", relationship, max_length=50, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            purpose=purpose,
            granted=granted,
            given_by=given_by,
            relationship=relationship,
            recorded_by=acting_user,
        )
        revoked = 0
        if purpose == ConsentPurpose.SHARING:
            revoked = _revoke_shares_unless_consented(case)
        record(
            acting_user,
            "case.consent",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="consent",
            object_id=consent.pk,
            details={"purpose": purpose, "granted": granted, "shares_revoked": revoked},
        )
    return consent


def _revoke_shares_unless_consented(case: Case) -> int:
    """Revoke the case's shares when sharing is no longer consented; return how many."""
    if has_consent(case, ConsentPurpose.SHARING):
        return 0
    return CaseShare.objects.filter(case=case, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def withdraw_consent(consent: Consent, *, acting_user: User) -> Consent:
    """Record that a consent was withdrawn; actions that need it are refused from now on."""
    _rescope(consent.case, acting_user, Perm.CASE_CONSENT)
    with transaction.atomic():
        done = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now()
        )
        if not done:
            raise Conflict(_("This consent was already withdrawn."))
        # Sharing no longer consented: the agencies it was shared with lose access now.
        revoked = _revoke_shares_unless_consented(consent.case)
        record(
            acting_user,
            "case.consent_withdraw",
            case_id=consent.case_id,
            object_type="consent",
            object_id=consent.pk,
            details={"purpose": consent.purpose, "shares_revoked": revoked},
        )
    consent.refresh_from_db()
    return consent


def _request_approval(
    case: Case, *, kind: str, payload: dict[str, Any], acting_user: User
) -> Approval:
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                case=case, kind=kind, payload=payload, requested_by=acting_user
            )
    except IntegrityError:
        pending = Approval.objects.get(case=case, kind=kind, status=ApprovalStatus.PENDING)
        if pending.payload == payload:
            return pending  # a double submission: same request, same answer
        raise Conflict(
            _("A request for approval is already waiting; wait for the manager's decision.")
        ) from None
    record(
        acting_user,
        f"approval.request_{kind}",
        case_id=case.pk,
        child_id=case.child_id,
        object_type="approval",
        object_id=approval.pk,
    )
    return approval


def submit_case_plan(case: Case, *, plan: str, acting_user: User) -> Approval:
    """Submit the case plan for a manager's approval (the case must be at the plan stage)."""
    case = _rescope(case, acting_user, Perm.CASE_PLAN_SUBMIT)
    if case.status != Status.CASE_PLAN:
        raise IllegalTransition(_("A case plan can be submitted only at the case plan stage."))
    errors = Errors()
    text = errors.text("plan", plan, max_length=8000, multiline=True, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        return _request_approval(
            case, kind=ApprovalKind.CASE_PLAN, payload={"plan": text}, acting_user=acting_user
        )


def request_closure(case: Case, *, reason: str, note: str, acting_user: User) -> Approval:
    """Ask a manager to close the case for ``reason``."""
    case = _rescope(case, acting_user, Perm.CASE_CLOSE_REQUEST)
    if case.status not in OPEN_STATUSES:
        raise IllegalTransition(_("This case is already closed."))
    errors = Errors()
    reason = errors.choice("reason", reason, set(ClosureReason.values))
    clean_note = errors.text(
        "note", note, max_length=4000, multiline=True, required=reason == ClosureReason.OTHER
    )
    errors.raise_if_any()
    with transaction.atomic():
        return _request_approval(
            case,
            kind=ApprovalKind.CLOSURE,
            payload={"reason": reason, "note": clean_note},
            acting_user=acting_user,
        )


def _cancel_pending(case: Case, acting_user: User, now: dt.datetime) -> list[int]:
    """Reject the case's requests still waiting (the case was closed or reopened under them)."""
    pending = Approval.objects.filter(case=case, status=ApprovalStatus.PENDING)
    ids = list(pending.values_list("id", flat=True))
    pending.update(
        status=ApprovalStatus.REJECTED,
        decided_by=acting_user,
        decided_at=now,
        comment=str(_("Cancelled: the case was closed or reopened.")),
    )
    return ids


def decide_approval(
    approval: Approval, *, approve: bool, comment: str, acting_user: User
) -> Approval:
    """Approve or reject a pending request; approving applies it to the case.

    A manager cannot approve their own request (four eyes). Rejecting needs a comment.
    """
    case = _rescope(approval.case, acting_user, Perm.CASE_APPROVE)
    if approval.requested_by_id == acting_user.pk:
        raise ActionNotAllowed(_("Another manager must decide on your own request."))
    errors = Errors()
    clean = errors.text("comment", comment, max_length=2000, multiline=True, required=not approve)
    errors.raise_if_any()
    now = timezone.now()
    status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    cancelled: list[int] = []
    with transaction.atomic():
        done = Approval.objects.filter(pk=approval.pk, status=ApprovalStatus.PENDING).update(
            status=status, decided_by=acting_user, decided_at=now, comment=clean
        )
        if not done:
            raise Conflict(_("This request was already decided."))
        if approve and approval.kind == ApprovalKind.CASE_PLAN:
            if case.status != Status.CASE_PLAN:
                raise IllegalTransition(_("The case is no longer at the case plan stage."))
            _cas_update(
                case, case.version, plan_text=approval.payload["plan"], plan_approved_at=now
            )
        elif approve and approval.kind == ApprovalKind.CLOSURE:
            if not case.is_open:
                raise IllegalTransition(_("This case is already closed."))
            _cas_update(
                case,
                case.version,
                status=Status.CLOSED,
                is_open=False,
                closed_at=now,
                closure_reason=approval.payload["reason"],
                first_response_at=case.first_response_at or now,
            )
            cancelled = _cancel_pending(case, acting_user, now)
        record(
            acting_user,
            f"approval.{status}",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="approval",
            object_id=approval.pk,
            details={"kind": approval.kind, "cancelled": cancelled},
        )
    approval.refresh_from_db()
    return approval


def reopen_case(case: Case, *, reason: str, acting_user: User, expected_version: int) -> Case:
    """Reopen a closed case at the assessment stage; the old plan needs approval again."""
    case = _rescope(case, acting_user, Perm.CASE_REOPEN, expected_version)
    if case.is_open:
        raise IllegalTransition(_("Only a closed case can be reopened."))
    errors = Errors()
    clean = errors.text("reason", reason, max_length=2000, multiline=True, required=True)
    errors.raise_if_any()
    with transaction.atomic():
        _cas_update(
            case,
            expected_version,
            status=Status.ASSESSMENT,
            is_open=True,
            closed_at=None,
            closure_reason="",
            plan_approved_at=None,
        )
        cancelled = _cancel_pending(case, acting_user, timezone.now())
        record(
            acting_user,
            "case.reopen",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="case",
            object_id=case.pk,
            details={"reason": clean, "cancelled": cancelled},
        )
    return case


def share_case(case: Case, *, agency: Agency, acting_user: User) -> CaseShare:
    """Share a case with an agency so its staff can see it (needs consent to sharing)."""
    case = _rescope(case, acting_user, Perm.CASE_SHARE)
    if not agency.is_active:
        raise DomainError(_("This agency is no longer active."), field="agency")
    if not has_consent(case, ConsentPurpose.SHARING):
        raise ConsentMissing(
            _("Record consent to share information with other agencies before sharing.")
        )
    with transaction.atomic():
        share = CaseShare.objects.filter(case=case, agency=agency, revoked_at__isnull=True).first()
        created = share is None
        if share is None:
            share = CaseShare.objects.create(case=case, agency=agency, shared_by=acting_user)
        record(
            acting_user,
            "case.share",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="agency",
            object_id=agency.pk,
            details={"agency": agency.code, "already_shared": not created},
        )
    return share
