"""JSON API of the referrals app (mounted under ``/api/referrals``).

Views only translate HTTP to calls: reads go through :mod:`baove.referrals.reads` (scoped,
audited), changes through :mod:`baove.referrals.actions`. The receiving agency's staff get
the shared snapshot only: the case, the child and the sender's notes are null for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, P, PathEx, Query, Router, Schema, Status

from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, ExpectedVersion, In, IsoDate, Out, responses
from baove.cases.access import access_case
from baove.core.errors import NotFound
from baove.core.validation import Errors
from baove.referrals import actions, metrics, reads
from baove.referrals.access import Side, access_referral, side_of
from baove.referrals.models import Referral
from baove.referrals.vocab import DeliveryOutcome, ReferralStatus, SharedField, Urgency
from baove.services.models import Service

router = Router(tags=["referrals"])

ReferralId = PathEx[int, P(ge=1, le=MAX_ID, description="Referral id.")]


# --- schemas -------------------------------------------------------------------------------


class RefOut(Out):
    id: int
    name: str


class ReferralOut(Out):
    """A referral. For the receiving agency's staff the sender's side is null."""

    id: int
    reference: str
    status: ReferralStatus
    urgency: Urgency
    is_open: bool
    overdue: bool = Field(description="Open, no answer yet, and the answer is late.")
    service: RefOut
    to_agency: str = Field(description="Agency code.")
    to_agency_name: str
    from_province: str
    from_commune: str
    sent_at: dt.datetime
    respond_by: dt.datetime
    first_response_at: dt.datetime | None
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    delivered_at: dt.datetime | None
    closed_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    decline_reason: str
    delivery_outcome: str
    delivery_note: str
    shared_fields: list[str]
    shared: dict[str, Any] = Field(description="What the receiving agency sees.")
    version: int
    case_id: int | None = Field(description="Null for the receiving agency.")
    child_id: int | None = Field(description="Null for the receiving agency.")
    reason: str | None = Field(description="Null for the receiving agency (see `shared`).")
    consent_override_reason: str | None
    withdraw_reason: str | None


class ReferralPageOut(Out):
    items: list[ReferralOut]
    total: int
    overdue: int
    page: int
    pages: int


class ReferralListQuery(Schema):
    state: Literal["open", "closed", "sent", "accepted", "declined", "delivered", "closed_status",
                   "withdrawn"] = "open"  # fmt: skip
    overdue: bool = Field(False, description="Only open referrals whose answer is late.")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=reads.MAX_PAGE)


class SendIn(In):
    case_id: int = Field(ge=1, le=MAX_ID)
    service_id: int = Field(ge=1, le=MAX_ID)
    urgency: Urgency
    reason: str = Field(json_schema_extra={"maxLength": 4000})
    shared_fields: list[SharedField] = Field(description="What the receiving agency may see.")
    idempotency_key: str | None = Field(
        None, description="Or the `Idempotency-Key` header: the same key gives the same referral."
    )
    consent_override_reason: str | None = Field(
        None, description="Managers only: send without recorded consent, saying why."
    )


class VersionIn(In):
    expected_version: ExpectedVersion


class ReasonIn(In):
    expected_version: ExpectedVersion
    reason: str = Field(json_schema_extra={"maxLength": 2000})


class DeliveryIn(In):
    expected_version: ExpectedVersion
    outcome: DeliveryOutcome
    note: str = Field("", json_schema_extra={"maxLength": 4000})


class CloseIn(In):
    expected_version: ExpectedVersion
    note: str = Field("", json_schema_extra={"maxLength": 2000})


class MetricsQuery(Schema):
    by: Literal["province", "agency"] = "province"
    start: IsoDate | None = Field(None, description="First day (default: 365 days ago).")
    end: IsoDate | None = Field(None, description="Last day, included (default: today).")


class MetricOut(Out):
    key: str
    sent: int | None
    accepted: int | None
    completed: int | None
    median_response_hours: float | None
    share_overdue: float | None
    suppressed: bool


class MetricsOut(Out):
    by: str
    start: dt.date
    end: dt.date
    rows: list[MetricOut]


# --- presenting ----------------------------------------------------------------------------


def present(r: Referral, side: Side) -> ReferralOut:
    """Return the API form of ``r`` for a user on ``side``."""
    sender = side is Side.SENDER
    return ReferralOut(
        id=r.pk, reference=r.reference, status=ReferralStatus(r.status),
        urgency=Urgency(r.urgency), is_open=r.is_open, overdue=r.is_overdue,
        service=RefOut(id=r.service.pk, name=r.service.name), to_agency=r.to_agency.code,
        to_agency_name=r.to_agency.name, from_province=r.from_province_id,
        from_commune=r.from_commune_id, sent_at=r.sent_at, respond_by=r.respond_by,
        first_response_at=r.first_response_at, accepted_at=r.accepted_at,
        declined_at=r.declined_at, delivered_at=r.delivered_at, closed_at=r.closed_at,
        withdrawn_at=r.withdrawn_at, decline_reason=r.decline_reason,
        delivery_outcome=r.delivery_outcome, delivery_note=r.delivery_note,
        shared_fields=list(r.shared_fields), shared=dict(r.shared), version=r.version,
        case_id=r.case_id if sender else None, child_id=r.child_id if sender else None,
        reason=r.reason if sender else None,
        consent_override_reason=r.consent_override_reason if sender else None,
        withdraw_reason=r.withdraw_reason if sender else None,
    )  # fmt: skip


def _reload(user: Any, referral: Referral) -> ReferralOut:
    fresh = access_referral(user, referral.pk)
    return present(fresh, side_of(user))


# --- reading -------------------------------------------------------------------------------


@router.get("", response=responses(200, ReferralPageOut))
def list_referrals(request: HttpRequest, filters: Query[ReferralListQuery]) -> ReferralPageOut:
    """Referrals of your side: sent from your area, or sent to your agency.

    ``state``: ``open`` (default; late ones first, then by deadline), ``closed`` (every
    finished referral), or one status (``closed_status`` for the status "closed").
    """
    user = user_of(request)
    require(user, Perm.REFERRAL_VIEW)
    # "closed" means every finished referral; the status "closed" alone is "closed_status".
    state = ReferralStatus.CLOSED.value if filters.state == "closed_status" else filters.state
    page = reads.list_referrals(
        user, state=state, overdue_only=filters.overdue, page=filters.page,
        per_page=filters.per_page,
    )  # fmt: skip
    return ReferralPageOut(
        items=[present(r, page.side) for r in page.referrals], total=page.total,
        overdue=page.overdue, page=page.page, pages=page.pages,
    )  # fmt: skip


@router.get("/metrics", response=responses(200, MetricsOut))
def referral_metrics(request: HttpRequest, filters: Query[MetricsQuery]) -> MetricsOut:
    """Sent, accepted, completed, median hours to the first answer and share overdue.

    Managers get their province; analysts the nation, with small cells suppressed.
    """
    user = user_of(request)
    require(user, Perm.STATS_VIEW)
    end = filters.end or timezone.localdate()
    start = filters.start or end - dt.timedelta(days=365)
    if start > end:
        errors = Errors()
        errors.add("start", _("The start of the period is after its end."))
        errors.raise_if_any()
    tz = timezone.get_current_timezone()
    rows = metrics.metrics_for(
        user, by=filters.by,
        start=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )  # fmt: skip
    return MetricsOut(
        by=filters.by, start=start, end=end,
        rows=[MetricOut.model_validate(row, from_attributes=True) for row in rows],
    )  # fmt: skip


@router.get("/{referral_id}", response=responses(200, ReferralOut))
def get_referral(request: HttpRequest, referral_id: ReferralId) -> ReferralOut:
    """One referral (audited). Receiving staff see the shared snapshot only."""
    user = user_of(request)
    require(user, Perm.REFERRAL_VIEW)
    return present(reads.view_referral(user, referral_id), side_of(user))


# --- changes -------------------------------------------------------------------------------


@router.post("", response=responses(201, ReferralOut))
def send_referral(request: HttpRequest, payload: SendIn) -> Status[ReferralOut]:
    """Refer a case's child to a service (the same idempotency key gives the same referral)."""
    user = user_of(request)
    require(user, Perm.REFERRAL_SEND)
    case = access_case(user, payload.case_id, Perm.REFERRAL_SEND)
    service = Service.objects.select_related("agency").filter(pk=payload.service_id).first()
    if service is None:
        raise NotFound(_("Service not found."), field="service_id")
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")
    referral = actions.send_referral(
        case, service=service, urgency=payload.urgency, reason=payload.reason,
        shared_fields=[str(f) for f in payload.shared_fields], acting_user=user,
        idempotency_key=key, consent_override_reason=payload.consent_override_reason,
    )  # fmt: skip
    return Status(201, _reload(user, referral))


def _target(request: HttpRequest, referral_id: int, perm: Perm) -> tuple[Any, Referral]:
    user = user_of(request)
    require(user, perm)
    return user, access_referral(user, referral_id, perm)


@router.post("/{referral_id}/accept", response=responses(200, ReferralOut))
def accept(request: HttpRequest, referral_id: ReferralId, payload: VersionIn) -> ReferralOut:
    """Accept a referral sent to your agency."""
    user, referral = _target(request, referral_id, Perm.REFERRAL_RESPOND)
    referral = actions.accept(referral, acting_user=user, expected_version=payload.expected_version)
    return _reload(user, referral)


@router.post("/{referral_id}/decline", response=responses(200, ReferralOut))
def decline(request: HttpRequest, referral_id: ReferralId, payload: ReasonIn) -> ReferralOut:
    """Decline a referral sent to your agency, saying why."""
    user, referral = _target(request, referral_id, Perm.REFERRAL_RESPOND)
    referral = actions.decline(
        referral, reason=payload.reason, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _reload(user, referral)


@router.post("/{referral_id}/deliver", response=responses(200, ReferralOut))
def deliver(request: HttpRequest, referral_id: ReferralId, payload: DeliveryIn) -> ReferralOut:
    """Record the service delivered, with its outcome."""
    user, referral = _target(request, referral_id, Perm.REFERRAL_RESPOND)
    referral = actions.record_delivery(
        referral, outcome=payload.outcome, note=payload.note, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _reload(user, referral)


@router.post("/{referral_id}/close", response=responses(200, ReferralOut))
def close(request: HttpRequest, referral_id: ReferralId, payload: CloseIn) -> ReferralOut:
    """Close a referral whose service was delivered."""
    user, referral = _target(request, referral_id, Perm.REFERRAL_SEND)
    referral = actions.close(
        referral, note=payload.note, acting_user=user, expected_version=payload.expected_version
    )
    return _reload(user, referral)


@router.post("/{referral_id}/withdraw", response=responses(200, ReferralOut))
def withdraw(request: HttpRequest, referral_id: ReferralId, payload: ReasonIn) -> ReferralOut:
    """Withdraw a referral not yet delivered, saying why."""
    user, referral = _target(request, referral_id, Perm.REFERRAL_SEND)
    referral = actions.withdraw(
        referral, reason=payload.reason, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return _reload(user, referral)
