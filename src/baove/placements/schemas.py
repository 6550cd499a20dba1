"""Request and response schemas of the placements API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field
from pydantic import StrictBool, StrictInt

from baove.api.schemas import ExpectedVersion, In, IsoDate, Lookup, Out
from baove.placements.vocab import (
    EndReason,
    FacilityType,
    PlacementStatus,
    PlacementType,
    ReviewOutcome,
)


def _text(max_length: int, *, default: Any = "", description: str | None = None) -> Any:
    # Documented, not enforced here: the actions check length after normalising the text.
    return Field(default, description=description, json_schema_extra={"maxLength": max_length})


#: The ``version`` of the placement the client read.
PlacementVersion = ExpectedVersion


class RuledOutIn(In):
    """Why each family-based option was ruled out (residential care)."""

    parents: str = _text(2000)
    kinship: str = _text(2000)
    foster: str = _text(2000)
    community: str = _text(2000)


class PlacementIn(In):
    placement_type: PlacementType
    start_date: IsoDate
    reason: str = _text(4000, default=...)
    carer_name: str = _text(150, description="Kinship and foster care: required.")
    carer_relationship: str = _text(50, description="Kinship and foster care: required.")
    agency_code: Lookup | None = Field(
        None, max_length=40, description="Community-based and residential care: the provider."
    )
    facility_type: FacilityType | None = Field(None, description="Residential care: required.")
    review_interval_days: StrictInt | None = Field(
        None, description="Days between reviews (7-366); default by type."
    )
    ruled_out: RuledOutIn | None = Field(
        None, description="Residential care: why each family-based option was ruled out."
    )
    justification: str = _text(4000, description="Residential care: required.")


class PlacementDecisionIn(In):
    approve: StrictBool
    comment: str = _text(2000, description="Required when rejecting.")
    expected_version: PlacementVersion


class ReviewIn(In):
    reviewed_on: IsoDate
    outcome: ReviewOutcome
    note: str = _text(4000, description="Required unless the outcome is `continue`.")
    next_due: IsoDate | None = None
    expected_version: PlacementVersion


class EndIn(In):
    end_date: IsoDate
    end_reason: EndReason
    note: str = _text(2000, description="Required for `other`.")
    expected_version: PlacementVersion


class ReviewOut(Out):
    reviewed_on: dt.date
    reviewer: str
    outcome: ReviewOutcome
    note: str
    next_due: dt.date


class PlacementOut(Out):
    id: int
    case_id: int | None
    child_id: int
    placement_type: PlacementType
    status: PlacementStatus
    province: str
    commune: str
    carer_name: str
    carer_relationship: str
    agency_code: str | None
    facility_type: FacilityType | None
    start_date: dt.date
    end_date: dt.date | None
    reason: str
    end_reason: EndReason | None
    review_interval_days: int
    next_review_due: dt.date | None
    is_review_overdue: bool
    ruled_out: dict[str, str]
    justification: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_comment: str
    version: int


class PlacementDetailOut(PlacementOut):
    reviews: list[ReviewOut]


class TypeCountOut(Out):
    province: str
    placement_type: PlacementType
    count: int | None = Field(description="Null when suppressed (a small cell).")
