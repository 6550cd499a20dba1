"""Request and response schemas of the JSON API (they also make the OpenAPI document).

Request bodies derive from :class:`In`: unknown fields are refused, numbers and yes/no
answers must have their JSON types (no ``"1"`` for 1, no ``"yes"`` for true), and dates
must be written ``YYYY-MM-DD``. Text limits are documented here but enforced by the action
layer, which counts characters after normalisation and says how long the text was.

Responses derive from :class:`Out`, a plain pydantic model: views build them explicitly
from rows already loaded, which is several times cheaper than ninja's ORM-aware
``Schema`` on list endpoints.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from baove.accounts.roles import Perm, Role, Scope
from baove.cases.reads import MAX_PAGE
from baove.cases.vocab import (
    ApprovalKind,
    ApprovalStatus,
    Category,
    ClosureReason,
    ConsentPurpose,
    IntakeSource,
    RiskLevel,
    Status,
)
from baove.core.text import has_control_chars
from baove.registry.vocab import Disability, PovertyStatus, Relationship, Sex, YesNoUnknown

# Ids beyond this would overflow the database driver (64-bit) or JavaScript numbers; refusing
# them up front keeps such input a 422 instead of a server error.
MAX_ID = 2**53 - 1
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic would also take numbers (as Unix times) and "2020-01-01T00:00" for a date.
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass  # such as 2021-02-30
    raise PydanticCustomError("date_invalid", "Use a real date written YYYY-MM-DD.")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "datetime_invalid", "Use an ISO 8601 date and time with a UTC offset."
            ) from None
    else:
        raise PydanticCustomError("datetime_invalid", "Use an ISO 8601 date and time.")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise PydanticCustomError("timezone_aware", "Give the UTC offset, such as +07:00.")
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        # Far dates overflow when converted to UTC; none belongs in a child's record.
        raise PydanticCustomError("datetime_range", "Use a year between 1900 and 2200.")
    return parsed


YEARS = (1900, 2200)


def clean_lookup(value: str) -> str:
    """A name or code used to look something up: no control characters (PostgreSQL refuses
    NUL bytes outright, which would be a server error)."""
    if has_control_chars(value):
        raise PydanticCustomError("control_chars", "This contains characters that are not allowed.")
    return value


#: A username, code or search text used in a lookup.
Lookup = Annotated[str, AfterValidator(clean_lookup)]


#: A calendar date in JSON, ``YYYY-MM-DD``.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
#: A date and time with its UTC offset, such as ``2025-07-01T08:30:00+07:00``.
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_iso_datetime)]
#: The ``version`` of the case the client read (optimistic concurrency).
ExpectedVersion = Annotated[
    StrictInt,
    Field(ge=1, le=2**31 - 1, description="The case `version` you read; 409 if it changed since."),
]


def _text(max_length: int, *, default: Any = ..., description: str | None = None) -> Any:
    # Documented, not enforced here: the actions check length after normalising the text.
    return Field(default, description=description, json_schema_extra={"maxLength": max_length})


class In(Schema):
    """Base of request bodies."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Out(BaseModel):
    """Base of responses."""

    model_config = ConfigDict(from_attributes=True)


# --- errors -------------------------------------------------------------------------------


class ErrorOut(Out):
    """Every refused request: a stable code, a translated message and messages by field."""

    code: str = Field(description="Stable, for programs: validation_error, not_found, ...")
    message: str = Field(description="For people, in the language of Accept-Language.")
    field: str | None = Field(None, description="The first input concerned, if any.")
    errors: dict[str, list[str]] = Field(default_factory=dict)


# --- accounts ------------------------------------------------------------------------------


class TokenIn(In):
    # Enforced here (not only documented): these reach the login rate limiter's own table.
    username: Lookup = Field(max_length=150)
    password: str = Field(max_length=4096)
    name: str = Field("api", max_length=100, description="A label to recognise the token by.")


class TokenOut(Out):
    token: str = Field(description="Shown once; send it as `Authorization: Bearer <token>`.")
    username: str
    role: Role


class PlaceOut(Out):
    code: str
    name: str


class AgencyOut(Out):
    code: str
    name: str


class MeOut(Out):
    username: str
    display_name: str
    role: Role
    role_label: str
    scope: Scope
    language: str
    commune: str | None = Field(description="Commune code (commune officers).")
    province: str | None = Field(description="Province code (officers and managers).")
    agency: str | None = Field(description="Agency code (service provider staff).")
    permissions: list[Perm]


class UserRefOut(Out):
    username: str
    display_name: str


# --- geography -----------------------------------------------------------------------------


class ProvinceOut(Out):
    code: str
    name: str
    division_type: str


class CommuneOut(Out):
    code: str
    name: str
    division_type: str
    province: str


# --- cases: input --------------------------------------------------------------------------


class ChildIn(In):
    """A child not yet in the registry."""

    family_name: str = _text(50, default="")
    middle_name: str = _text(80, default="")
    given_name: str = _text(50)
    sex: Sex
    birth_date: IsoDate
    birth_date_estimated: StrictBool = False
    ethnicity: str = Field("01", description="Two-digit GSO code of the ethnic group.")
    disability: Disability = Disability.NONE
    id_number: str | None = Field(
        None, description="12-digit personal identification number, if the child has one."
    )
    birth_registered: YesNoUnknown = YesNoUnknown.UNKNOWN
    health_insurance: YesNoUnknown = YesNoUnknown.UNKNOWN
    commune: str = Field(description="Code of the commune the child lives in.")
    address: str = _text(300, default="")


class CaseIn(In):
    """A report: a new case for a new child (``child``) or a known one (``child_id``)."""

    child_id: StrictInt | None = Field(None, ge=1, le=MAX_ID)
    child: ChildIn | None = None
    categories: list[Category] = Field(description="One or more categories.")
    risk_level: RiskLevel
    summary: str = _text(4000)
    intake_source: IntakeSource = IntakeSource.OTHER
    reported_at: IsoDateTime | None = Field(None, description="When reported; default now.")


class CaseUpdateIn(In):
    """Fields left out (or null) stay as they are."""

    expected_version: ExpectedVersion
    risk_level: RiskLevel | None = None
    categories: list[Category] | None = None
    summary: str | None = _text(4000, default=None)


class TransitionIn(In):
    to_status: Status
    expected_version: ExpectedVersion


class NoteIn(In):
    text: str = _text(8000)


class CaregiverIn(In):
    full_name: str = _text(150)
    relationship: Relationship
    sex: Sex | None = None
    phone: str = _text(20, default="")
    is_primary: StrictBool = False
    lives_with_child: StrictBool = True


class HouseholdIn(In):
    address: str = _text(300, default="")
    poverty_status: PovertyStatus = PovertyStatus.UNKNOWN


class ConsentIn(In):
    purpose: ConsentPurpose
    granted: StrictBool
    given_by: str = _text(150, description="Name of the child or caregiver who answered.")
    relationship: str = _text(50, description="Their relationship to the child.")


class PlanIn(In):
    plan: str = _text(8000)


class ClosureIn(In):
    reason: ClosureReason
    note: str = _text(4000, default="", description="Required when the reason is `other`.")


class DecisionIn(In):
    approve: StrictBool
    comment: str = _text(2000, default="", description="Required when rejecting.")


class ReopenIn(In):
    reason: str = _text(2000)
    expected_version: ExpectedVersion


class AssignIn(In):
    username: Lookup = _text(150)


class ShareIn(In):
    agency_code: Lookup = _text(40)


# --- cases: query strings ------------------------------------------------------------------


class CaseListQuery(Schema):
    q: str | None = Field(
        None,
        description="Search by child name (with or without tones), case reference or ID "
        "number. When given, the other filters are ignored.",
    )
    mine: bool = Field(True, description="Only cases you own or are assigned to.")
    status: Status | None = None
    risk: RiskLevel | None = None
    overdue: bool = Field(False, description="Only cases whose first response is late.")
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(50, ge=1, le=MAX_PAGE)


class AuditQuery(Schema):
    actor: Lookup | None = Field(None, description="Username.")
    action: Lookup | None = Field(None, description="Exact action, or a prefix ending in '.'.")
    case_id: int | None = Field(None, ge=1, le=MAX_ID)
    child_id: int | None = Field(None, ge=1, le=MAX_ID)
    channel: Literal["web", "api", "cli", "system"] | None = None
    since: IsoDateTime | None = None
    until: IsoDateTime | None = None


# --- cases: output -------------------------------------------------------------------------


class ChildBriefOut(Out):
    id: int
    full_name: str
    sex: Sex
    birth_date: dt.date


class ChildOut(ChildBriefOut):
    family_name: str
    middle_name: str
    given_name: str
    birth_date_estimated: bool
    ethnicity: str
    disability: Disability
    id_number: str | None
    birth_registered: YesNoUnknown
    health_insurance: YesNoUnknown
    commune: str
    address: str
    version: int


class CaseListItemOut(Out):
    id: int
    reference: str
    status: Status
    risk_level: RiskLevel
    is_open: bool
    is_overdue: bool
    reported_at: dt.datetime
    response_due_at: dt.datetime
    first_response_at: dt.datetime | None
    version: int
    child: ChildBriefOut
    commune: PlaceOut
    owner: UserRefOut


class CasePageOut(Out):
    items: list[CaseListItemOut]
    total: int
    overdue: int = Field(description="How many of the matching cases are overdue.")
    page: int
    pages: int


class CaseStateOut(Out):
    """A case after a change: what changed, and the new ``version`` to send next time."""

    id: int
    reference: str
    child_id: int
    status: Status
    risk_level: RiskLevel
    summary: str
    categories: list[Category]
    is_open: bool
    is_overdue: bool
    reported_at: dt.datetime
    response_due_at: dt.datetime
    first_response_at: dt.datetime | None
    plan_approved_at: dt.datetime | None
    closure_reason: ClosureReason | None
    closed_at: dt.datetime | None
    version: int


class ConsentOut(Out):
    id: int
    case_id: int
    purpose: ConsentPurpose
    granted: bool
    given_by: str
    relationship: str
    recorded_by: str
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None


class CaregiverOut(Out):
    child_id: int
    caregiver_id: int
    full_name: str
    relationship: Relationship
    is_primary: bool
    lives_with_child: bool


class HouseholdOut(Out):
    id: int
    commune: str
    address: str
    poverty_status: PovertyStatus


class NoteOut(Out):
    id: int
    case_id: int
    author: UserRefOut
    text: str
    created_at: dt.datetime


class ApprovalOut(Out):
    id: int
    case_id: int
    kind: ApprovalKind
    status: ApprovalStatus
    plan: str | None = Field(description="The plan to approve (case plan requests).")
    closure_reason: ClosureReason | None = Field(description="Closure requests.")
    note: str | None = Field(description="Closure requests.")
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    comment: str


class DecisionOut(Out):
    approval: ApprovalOut
    case: CaseStateOut


class PendingApprovalOut(Out):
    """A request waiting for a decision (open the case to read what is asked)."""

    id: int
    kind: ApprovalKind
    case_id: int
    case_reference: str
    requested_by: str
    requested_at: dt.datetime
    can_decide: bool = Field(description="False for your own requests (four eyes).")


class AssignmentOut(Out):
    case_id: int
    username: str
    display_name: str
    assigned_at: dt.datetime


class ShareOut(Out):
    case_id: int
    agency_code: str
    agency_name: str
    shared_at: dt.datetime


AllowedAction = Literal[
    "update",
    "transition",
    "note",
    "consent",
    "submit_plan",
    "request_closure",
    "decide_approval",
    "reopen",
    "assign",
    "share",
]


class CaseDetailOut(Out):
    id: int
    reference: str
    status: Status
    risk_level: RiskLevel
    summary: str
    intake_source: IntakeSource
    categories: list[Category]
    is_open: bool
    is_overdue: bool
    reported_at: dt.datetime
    response_due_at: dt.datetime
    first_response_at: dt.datetime | None
    plan_text: str
    plan_approved_at: dt.datetime | None
    closure_reason: ClosureReason | None
    closed_at: dt.datetime | None
    version: int
    commune: PlaceOut
    province: PlaceOut
    owner: UserRefOut
    child: ChildOut
    assignments: list[AssignmentOut]
    shares: list[ShareOut]
    consents: list[ConsentOut]
    approvals: list[ApprovalOut]
    notes: list[NoteOut]
    allowed_actions: list[AllowedAction] = Field(
        description="What you may do on this case now (the server checks again)."
    )
    next_statuses: list[Status] = Field(description="Stages `transition` can move to now.")


class TimelineEventOut(Out):
    id: int
    at: dt.datetime
    action: str
    actor: str = Field(validation_alias="actor_username")
    channel: str
    details: dict[str, Any]


# --- statistics and audit ------------------------------------------------------------------


class StatCellOut(Out):
    key: str
    label: str
    count: int | None = Field(description="Null when suppressed.")
    suppressed: bool = Field(description="True when the count is too small to show.")


class StatsOut(Out):
    by: Literal["province", "status", "risk", "category"]
    min_cell: int = Field(description="Counts below this (and above zero) are suppressed.")
    cells: list[StatCellOut]


class AuditEventOut(Out):
    id: int
    at: dt.datetime
    actor: str = Field(validation_alias="actor_username")
    actor_role: str
    action: str
    channel: str
    request_id: str
    ip: str | None
    url_path: str
    object_type: str
    object_id: str
    case_id: int | None
    child_id: int | None
    details: dict[str, Any]


#: Error statuses documented on every operation (the body is always :class:`ErrorOut`).
ERROR_STATUSES = (400, 401, 403, 404, 409, 422)


def responses(status: int, model: Any) -> dict[int, Any]:
    """Return ninja's ``response=`` mapping: ``model`` for ``status``, errors for the rest."""
    return {status: model, **{code: ErrorOut for code in ERROR_STATUSES if code != status}}
