"""Every state change of a referral goes through one of these functions.

Like :mod:`baove.cases.actions`: each action is atomic, checks the acting user's permission
and side, writes one :class:`~baove.referrals.models.ReferralEvent` (the referral's own
history) and exactly one audit event, and makes its notifications in the same transaction.
Changes name the ``expected_version`` the user saw; a referral changed since is a
:class:`~baove.core.errors.Conflict`, a move the states do not allow an
:class:`~baove.core.errors.IllegalTransition`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Role, has_perm, require
from baove.audit.log import record
from baove.cases.access import access_case
from baove.cases.actions import has_consent
from baove.cases.models import Case, CaseCategory
from baove.cases.vocab import ConsentPurpose
from baove.core.errors import ActionNotAllowed, Conflict, ConsentMissing, IllegalTransition
from baove.core.validation import Errors
from baove.notifications.actions import notify
from baove.notifications.models import Kind
from baove.referrals.access import access_referral
from baove.referrals.models import Referral, ReferralEvent
from baove.referrals.vocab import (
    DEFAULT_RESPONSE_HOURS,
    OPEN_STATUSES,
    TRANSITIONS,
    DeliveryOutcome,
    ReferralStatus,
    SharedField,
    Urgency,
)
from baove.registry.models import ChildCaregiver
from baove.services.reads import service_covers

if TYPE_CHECKING:
    from baove.accounts.models import User
    from baove.services.models import Service

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_NOW = object()  # marks a field that gets the time of the change
_CONFLICT = _("Someone else changed this referral after you opened it. Reload it and try again.")


def response_hours() -> dict[str, int]:
    """Return the hours allowed for the first answer, by urgency (settings override defaults).

    Set ``BAOVE_REFERRAL_RESPONSE_HOURS = {"emergency": 4, "urgent": 24, "routine": 72}``.
    """
    configured = getattr(settings, "BAOVE_REFERRAL_RESPONSE_HOURS", DEFAULT_RESPONSE_HOURS)
    return {**DEFAULT_RESPONSE_HOURS, **configured}


def respond_by(sent_at: dt.datetime, urgency: str) -> dt.datetime:
    """Return when the first answer (accept or decline) is due."""
    return sent_at + dt.timedelta(hours=response_hours()[urgency])


def new_reference(province_code: str, when: dt.datetime) -> str:
    """Return a fresh referral reference such as ``R01-26-7K3Q9X`` (province, year, random)."""
    suffix = "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))
    return f"R{province_code}-{when:%y}-{suffix}"


def referral_url(referral_id: int) -> str:
    """Return the path of the referral page."""
    return reverse("referrals:detail", args=[referral_id])


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def snapshot(case: Case, fields: Iterable[str], reason: str) -> dict[str, Any]:
    """Return what the receiving agency will see: only ``fields``, copied now."""
    child = case.child
    wanted = set(fields)
    out: dict[str, Any] = {}
    if SharedField.NAME in wanted:
        out["name"] = child.full_name
    if SharedField.AGE in wanted:
        out["age"] = _age(child.birth_date, timezone.localdate())
    if SharedField.SEX in wanted:
        out["sex"] = child.sex
    if SharedField.COMMUNE in wanted:
        out["commune"] = case.commune_id
        out["commune_name"] = f"{case.commune.name}, {case.province.name}"
    if SharedField.REASON in wanted:
        out["reason"] = reason
    if SharedField.DISABILITY in wanted:
        out["disability"] = child.disability
    if SharedField.CATEGORIES in wanted:
        out["categories"] = list(
            CaseCategory.objects.filter(case=case).order_by("id").values_list("code", flat=True)
        )
    if SharedField.CAREGIVER in wanted:
        link = (
            ChildCaregiver.objects.filter(child_id=child.pk)
            .select_related("caregiver")
            .order_by("-is_primary", "id")
            .first()
        )
        out["caregiver"] = (
            {"name": link.caregiver.full_name, "phone": link.caregiver.phone,
             "relationship": link.relationship}
            if link is not None
            else None
        )  # fmt: skip
    return out


def _agency_staff(agency_id: int) -> list[int]:
    """The active staff of an agency who answer referrals."""
    from baove.accounts.models import User

    return list(
        User.objects.filter(
            agency_id=agency_id, is_active=True, role=Role.PROVIDER_STAFF
        ).values_list("id", flat=True)
    )


def _sender_side(referral: Referral) -> list[int]:
    """The sender and the case owner."""
    owner = Case.objects.filter(pk=referral.case_id).values_list("owner_id", flat=True).first()
    return [pk for pk in {referral.sent_by_id, owner} if pk is not None]


def _shared_fields(errors: Errors, values: Any) -> list[str]:
    if not isinstance(values, list | tuple) or not values:
        errors.add("shared_fields", _("Choose at least one piece of information to share."))
        return []
    out: list[str] = []
    for value in values:
        if value not in SharedField.values:
            errors.add("shared_fields", _("Choose one of the listed options."))
            return []
        if value not in out:
            out.append(value)
    return out


def _check_service(errors: Errors, service: Service | None, case: Case) -> None:
    if service is None:
        errors.add("service", _("Choose a service."))
    elif not service.is_active or not service.agency.is_active:
        errors.add("service", _("This service is closed; choose another one."))
    elif not service.accepts_referrals:
        errors.add("service", _("This service does not take referrals; choose another one."))
    elif not service_covers(service, case.commune):
        errors.add("service", _("This service does not cover the child's commune."))


def _same_request(found: Referral, case: Case, user: User) -> Referral:
    if found.case_id != case.pk or found.sent_by_id != user.pk:
        raise Conflict(_("This form was already used for another referral. Reload the page."))
    return found  # a double submission: same request, same referral


def send_referral(
    case: Case,
    *,
    service: Service | None,
    urgency: str,
    reason: str,
    shared_fields: list[str] | tuple[str, ...],
    acting_user: User,
    idempotency_key: str,
    consent_override_reason: str | None = None,
) -> Referral:
    """Refer the case's child to a service of another agency.

    Args:
        case: The case the referral is made from.
        service: The service; it must be open, take referrals and cover the child's commune.
        urgency: An :class:`Urgency` value; sets the answer deadline.
        reason: Why the child is referred (shared only if ``reason`` is in ``shared_fields``).
        shared_fields: :class:`SharedField` values the receiving agency will see.
        acting_user: The worker sending it.
        idempotency_key: The same key twice (a double click) gives the same referral.
        consent_override_reason: Without consent to services and to sharing, a manager may
            send anyway, giving this reason.

    Raises:
        ValidationFailed: Invalid input (every field at once); nothing is written.
        ConsentMissing: No standing consent and no override.
        ActionNotAllowed: An override by someone who is not a manager.
        IllegalTransition: The case is closed.
        Conflict: The key was used for another referral.
    """
    require(acting_user, Perm.REFERRAL_SEND)
    case = access_case(acting_user, case.pk, Perm.REFERRAL_SEND)
    errors = Errors()
    key = errors.text("idempotency_key", idempotency_key, max_length=64) or secrets.token_hex(16)
    errors.raise_if_any()
    existing = Referral.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return _same_request(existing, case, acting_user)
    if not case.is_open:
        raise IllegalTransition(_("A closed case cannot be referred; reopen it first."))
    urgency = errors.choice("urgency", urgency, set(Urgency.values))
    clean_reason = errors.text("reason", reason, max_length=4000, multiline=True, required=True)
    fields = _shared_fields(errors, shared_fields)
    _check_service(errors, service, case)
    override = errors.text(
        "consent_override_reason", consent_override_reason, max_length=2000, multiline=True
    )
    errors.raise_if_any()
    assert service is not None
    consented = has_consent(case, ConsentPurpose.SERVICES) and has_consent(
        case, ConsentPurpose.SHARING
    )
    if not consented:
        if not override:
            raise ConsentMissing(
                _(
                    "Record the consent to services and to sharing information before "
                    "referring the child; only a manager may refer without it, giving a reason."
                )
            )
        if not has_perm(acting_user, Perm.REFERRAL_CONSENT_OVERRIDE):
            raise ActionNotAllowed(
                _("Only a manager may refer a child without the recorded consent.")
            )
    now = timezone.now()
    with transaction.atomic():
        referral = Referral(
            case=case,
            child_id=case.child_id,
            service=service,
            to_agency_id=service.agency_id,
            from_province_id=case.province_id,
            from_commune_id=case.commune_id,
            sent_by=acting_user,
            urgency=urgency,
            status=ReferralStatus.SENT,
            reason=clean_reason,
            shared_fields=fields,
            shared=snapshot(case, fields, clean_reason),
            consent_override_reason="" if consented else override,
            sent_at=now,
            respond_by=respond_by(now, urgency),
            idempotency_key=key,
        )
        for _attempt in range(5):  # a random reference collides about once in 10^9
            referral.reference = new_reference(case.province_id, now)
            try:
                with transaction.atomic():
                    referral.save()
                break
            except IntegrityError:
                referral.pk = None
                raced = Referral.objects.filter(idempotency_key=key).first()
                if raced is not None:  # the same form, submitted twice at once
                    return _same_request(raced, case, acting_user)
        else:  # pragma: no cover - practically unreachable
            raise Conflict(_("Could not allocate a referral reference; try again."))
        ReferralEvent.objects.create(
            referral=referral, at=now, actor=acting_user, to_status=ReferralStatus.SENT
        )
        notify(
            _agency_staff(referral.to_agency_id),
            kind=Kind.REFERRAL_NEW,
            params={"reference": referral.reference},
            url=referral_url(referral.pk),
            key=f"referral:{referral.pk}:new",
        )
        record(
            acting_user,
            "referral.send",
            case_id=case.pk,
            child_id=case.child_id,
            object_type="referral",
            object_id=referral.pk,
            details={
                "service": service.pk,
                "agency": service.agency_id,
                "urgency": urgency,
                "shared_fields": fields,
                "consent_override": not consented,
            },
        )
    return referral


def _fresh(referral: Referral, user: User, perm: Perm, expected_version: int) -> Referral:
    """Re-check permission and side; a referral changed since the user read it conflicts."""
    require(user, perm)
    fresh = access_referral(user, referral.pk, perm)
    if fresh.version != expected_version:
        raise Conflict(_CONFLICT)
    return fresh


def _check_move(referral: Referral, to_status: str) -> None:
    if to_status not in TRANSITIONS[referral.status]:
        raise IllegalTransition(
            _("A referral cannot move from “%(src)s” to “%(dst)s”.")
            % {
                "src": ReferralStatus(referral.status).label,
                "dst": ReferralStatus(to_status).label,
            }
        )


def _move(
    referral: Referral,
    *,
    to_status: str,
    acting_user: User,
    expected_version: int,
    fields: dict[str, Any],
    note: str = "",
    details: dict[str, Any] | None = None,
    notify_kind: str | None = None,
) -> Referral:
    """Apply a state change in one compare-and-set UPDATE, with its event and audit."""
    now = timezone.now()
    answering = referral.first_response_at is None and to_status in (
        ReferralStatus.ACCEPTED, ReferralStatus.DECLINED,
    )  # fmt: skip
    values: dict[str, Any] = {"status": to_status, "is_open": to_status in OPEN_STATUSES}
    if answering:
        values["first_response_at"] = now
    if answering or to_status not in OPEN_STATUSES:
        values["overdue"] = False  # no longer waiting: the overdue flag means "waiting late"
    values.update({k: (now if v is _NOW else v) for k, v in fields.items()})
    previous = referral.status
    with transaction.atomic():
        done = Referral.objects.filter(
            pk=referral.pk, version=expected_version, status=previous
        ).update(version=F("version") + 1, updated_at=now, **values)
        if not done:
            raise Conflict(_CONFLICT)
        ReferralEvent.objects.create(
            referral=referral, at=now, actor=acting_user, from_status=previous,
            to_status=to_status, note=note,
        )  # fmt: skip
        if notify_kind is not None:
            notify(
                _sender_side(referral),
                kind=notify_kind,
                params={"reference": referral.reference},
                url=referral_url(referral.pk),
                key=f"referral:{referral.pk}:{to_status}",
            )
        record(
            acting_user,
            f"referral.{to_status}",
            case_id=referral.case_id,
            child_id=referral.child_id,
            object_type="referral",
            object_id=referral.pk,
            details={"from": previous, "to": to_status, **(details or {})},
        )
    referral.refresh_from_db()
    return referral


def accept(referral: Referral, *, acting_user: User, expected_version: int) -> Referral:
    """Accept a referral sent to the user's agency."""
    referral = _fresh(referral, acting_user, Perm.REFERRAL_RESPOND, expected_version)
    _check_move(referral, ReferralStatus.ACCEPTED)
    return _move(
        referral, to_status=ReferralStatus.ACCEPTED, acting_user=acting_user,
        expected_version=expected_version, fields={"accepted_at": _NOW},
        notify_kind=Kind.REFERRAL_ACCEPTED,
    )  # fmt: skip


def decline(
    referral: Referral, *, reason: str, acting_user: User, expected_version: int
) -> Referral:
    """Decline a referral sent to the user's agency, saying why."""
    referral = _fresh(referral, acting_user, Perm.REFERRAL_RESPOND, expected_version)
    _check_move(referral, ReferralStatus.DECLINED)
    errors = Errors()
    clean = errors.text("reason", reason, max_length=2000, multiline=True, required=True)
    errors.raise_if_any()
    return _move(
        referral, to_status=ReferralStatus.DECLINED, acting_user=acting_user,
        expected_version=expected_version,
        fields={"declined_at": _NOW, "decline_reason": clean}, note=clean,
        notify_kind=Kind.REFERRAL_DECLINED,
    )  # fmt: skip


def record_delivery(
    referral: Referral, *, outcome: str, note: str = "", acting_user: User, expected_version: int
) -> Referral:
    """Record that the agency delivered the service, with its outcome."""
    referral = _fresh(referral, acting_user, Perm.REFERRAL_RESPOND, expected_version)
    _check_move(referral, ReferralStatus.DELIVERED)
    errors = Errors()
    outcome = errors.choice("outcome", outcome, set(DeliveryOutcome.values))
    clean = errors.text("note", note, max_length=4000, multiline=True)
    errors.raise_if_any()
    return _move(
        referral, to_status=ReferralStatus.DELIVERED, acting_user=acting_user,
        expected_version=expected_version,
        fields={"delivered_at": _NOW, "delivery_outcome": outcome, "delivery_note": clean},
        note=clean, details={"outcome": outcome},
    )  # fmt: skip


def close(
    referral: Referral, *, acting_user: User, expected_version: int, note: str = ""
) -> Referral:
    """Close a referral after the service was delivered (the sending side confirms)."""
    referral = _fresh(referral, acting_user, Perm.REFERRAL_SEND, expected_version)
    _check_move(referral, ReferralStatus.CLOSED)
    errors = Errors()
    clean = errors.text("note", note, max_length=2000, multiline=True)
    errors.raise_if_any()
    return _move(
        referral, to_status=ReferralStatus.CLOSED, acting_user=acting_user,
        expected_version=expected_version, fields={"closed_at": _NOW}, note=clean,
    )  # fmt: skip


def withdraw(
    referral: Referral, *, reason: str, acting_user: User, expected_version: int
) -> Referral:
    """Withdraw a referral not yet delivered (the sending side), saying why."""
    referral = _fresh(referral, acting_user, Perm.REFERRAL_SEND, expected_version)
    _check_move(referral, ReferralStatus.WITHDRAWN)
    errors = Errors()
    clean = errors.text("reason", reason, max_length=2000, multiline=True, required=True)
    errors.raise_if_any()
    return _move(
        referral, to_status=ReferralStatus.WITHDRAWN, acting_user=acting_user,
        expected_version=expected_version,
        fields={"withdrawn_at": _NOW, "withdraw_reason": clean}, note=clean,
    )  # fmt: skip


__all__ = [
    "accept",
    "close",
    "decline",
    "new_reference",
    "record_delivery",
    "respond_by",
    "response_hours",
    "send_referral",
    "snapshot",
    "withdraw",
]
