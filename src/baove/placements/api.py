"""JSON API of the placements app (mounted under ``/api/placements``).

Thin like :mod:`baove.api.routers.cases`: the role's permission first (403), then the case
or placement in the user's scope (404, the same answer as for one that does not exist),
then the action, which checks everything again. Reads are audited by
:mod:`baove.placements.reads`.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import P, PathEx, Router, Status

from baove.accounts.models import Agency, User
from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, responses
from baove.cases.access import access_case
from baove.core.errors import DomainError
from baove.placements import actions, reads
from baove.placements.models import Placement, PlacementReview
from baove.placements.schemas import (
    EndIn,
    PlacementDecisionIn,
    PlacementDetailOut,
    PlacementIn,
    PlacementOut,
    ReviewIn,
    ReviewOut,
    TypeCountOut,
)
from baove.placements.vocab import (
    EndReason,
    FacilityType,
    PlacementStatus,
    PlacementType,
    ReviewOutcome,
)

router = Router(tags=["placements"])

CaseId = PathEx[int, P(ge=1, le=MAX_ID, description="Case id.")]
PlacementId = PathEx[int, P(ge=1, le=MAX_ID, description="Placement id.")]


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def present(p: Placement) -> PlacementOut:
    """The API view of a placement (agency and users already loaded or loaded here)."""
    return PlacementOut(
        id=p.pk, case_id=p.case_id, child_id=p.child_id,
        placement_type=PlacementType(p.placement_type), status=PlacementStatus(p.status),
        province=p.province_id, commune=p.commune_id, carer_name=p.carer_name,
        carer_relationship=p.carer_relationship,
        agency_code=p.agency.code if p.agency is not None else None,
        facility_type=FacilityType(p.facility_type) if p.facility_type else None,
        start_date=p.start_date, end_date=p.end_date, reason=p.reason,
        end_reason=EndReason(p.end_reason) if p.end_reason else None,
        review_interval_days=p.review_interval_days, next_review_due=p.next_review_due,
        is_review_overdue=p.is_review_overdue, ruled_out=dict(p.ruled_out or {}),
        justification=p.justification, requested_by=p.requested_by.username,
        requested_at=p.requested_at, decided_by=_name(p.decided_by), decided_at=p.decided_at,
        decision_comment=p.decision_comment, version=p.version,
    )  # fmt: skip


def _review(r: PlacementReview) -> ReviewOut:
    return ReviewOut(
        reviewed_on=r.reviewed_on, reviewer=r.reviewer.username,
        outcome=ReviewOutcome(r.outcome), note=r.note, next_due=r.next_due,
    )  # fmt: skip


def _placement_for(user: User, placement_id: int, perm: Perm) -> Placement:
    require(user, perm)
    return reads.get_placement(user, placement_id, perm)


@router.get("/cases/{case_id}", response=responses(200, list[PlacementOut]))
def list_for_case(request: HttpRequest, case_id: CaseId) -> list[PlacementOut]:
    """Every placement of the case's child, newest first (the read is audited)."""
    user = user_of(request)
    require(user, Perm.CASE_VIEW)
    _case, rows = reads.list_for_case(user, case_id)
    return [present(p) for p in rows]


@router.post("/cases/{case_id}", response=responses(201, PlacementOut))
def record_placement(
    request: HttpRequest, case_id: CaseId, payload: PlacementIn
) -> Status[PlacementOut]:
    """Record a placement of the case's child.

    Family-based types are active at once; ``residential`` is created ``proposed`` and needs
    ``ruled_out`` (a reason for each of parents, kinship, foster, community; errors come
    back as ``ruled_out_<option>``), a ``justification``, a ``facility_type`` and another
    province manager's approval. Sending the same request twice returns the same placement.
    """
    user = user_of(request)
    require(user, Perm.PLACEMENT_RECORD)
    case = access_case(user, case_id, Perm.PLACEMENT_RECORD)
    agency = None
    if payload.agency_code:
        agency = Agency.objects.filter(code=payload.agency_code.strip()).first()
        if agency is None:
            raise DomainError(_("Unknown agency code."), field="agency_code")
    try:
        placement = actions.record_placement(
            case, acting_user=user, placement_type=payload.placement_type,
            start_date=payload.start_date, reason=payload.reason, carer_name=payload.carer_name,
            carer_relationship=payload.carer_relationship, agency=agency,
            facility_type=payload.facility_type or "",
            review_interval_days=payload.review_interval_days,
            ruled_out=payload.ruled_out.model_dump() if payload.ruled_out else None,
            justification=payload.justification,
        )  # fmt: skip
    except DomainError as exc:
        if exc.field == "agency":
            exc.field = "agency_code"
        raise
    placement = reads.get_placement(user, placement.pk)
    return Status(201, present(placement))


@router.get("/reviews-due", response=responses(200, list[PlacementOut]))
def reviews_due(request: HttpRequest) -> list[PlacementOut]:
    """Active placements in your area whose review is overdue or due within 30 days."""
    user = user_of(request)
    require(user, Perm.PLACEMENT_RECORD)
    rows = reads.reviews_due(user)
    return [present(p) for p in _with_users(rows)]


@router.get("/approvals", response=responses(200, list[PlacementOut]))
def approvals(request: HttpRequest) -> list[PlacementOut]:
    """Residential placements waiting for a decision in your province, oldest first."""
    user = user_of(request)
    require(user, Perm.PLACEMENT_APPROVE)
    return [present(p) for p in _with_users(reads.approvals_queue(user))]


@router.get("/counts", response=responses(200, list[TypeCountOut]))
def counts(request: HttpRequest) -> list[TypeCountOut]:
    """Children in a placement now, by province and type (small cells are null)."""
    user = user_of(request)
    require(user, Perm.STATS_VIEW)
    return [
        TypeCountOut(
            province=c.province, placement_type=PlacementType(c.placement_type), count=c.count
        )
        for c in reads.counts_for(user)
    ]


def _with_users(rows: list[Placement]) -> list[Placement]:
    """Attach the requesting and deciding users in one query (lists skip them otherwise)."""
    ids = {p.requested_by_id for p in rows} | {p.decided_by_id for p in rows if p.decided_by_id}
    users = {u.pk: u for u in User.objects.filter(pk__in=ids).only("id", "username")}
    for p in rows:
        p.requested_by = users[p.requested_by_id]
        p.decided_by = users.get(p.decided_by_id) if p.decided_by_id else None
    return rows


@router.get("/{placement_id}", response=responses(200, PlacementDetailOut))
def get_placement(request: HttpRequest, placement_id: PlacementId) -> PlacementDetailOut:
    """One placement with its reviews (the read is audited)."""
    user = user_of(request)
    require(user, Perm.CASE_VIEW)
    placement, rows = reads.view_placement(user, placement_id)
    return PlacementDetailOut(**present(placement).model_dump(), reviews=[_review(r) for r in rows])


@router.post("/{placement_id}/decision", response=responses(200, PlacementOut))
def decide(
    request: HttpRequest, placement_id: PlacementId, payload: PlacementDecisionIn
) -> PlacementOut:
    """Approve or reject a proposed residential placement (another manager of its province)."""
    user = user_of(request)
    placement = _placement_for(user, placement_id, Perm.PLACEMENT_APPROVE)
    actions.decide_placement(
        placement, approve=payload.approve, comment=payload.comment, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    return present(reads.get_placement(user, placement_id))


@router.post("/{placement_id}/reviews", response=responses(201, ReviewOut))
def review(request: HttpRequest, placement_id: PlacementId, payload: ReviewIn) -> Status[ReviewOut]:
    """Record a review of an active placement; it sets the next review date."""
    user = user_of(request)
    placement = _placement_for(user, placement_id, Perm.PLACEMENT_RECORD)
    row = actions.record_review(
        placement, acting_user=user, expected_version=payload.expected_version,
        reviewed_on=payload.reviewed_on, outcome=payload.outcome, note=payload.note,
        next_due=payload.next_due,
    )  # fmt: skip
    return Status(201, _review(row))


@router.post("/{placement_id}/end", response=responses(200, PlacementOut))
def end(request: HttpRequest, placement_id: PlacementId, payload: EndIn) -> PlacementOut:
    """End an active placement."""
    user = user_of(request)
    placement = _placement_for(user, placement_id, Perm.PLACEMENT_RECORD)
    actions.end_placement(
        placement, acting_user=user, expected_version=payload.expected_version,
        end_date=payload.end_date, end_reason=payload.end_reason, note=payload.note,
    )  # fmt: skip
    return present(reads.get_placement(user, placement_id))
