"""Every state change of a care placement goes through one of these functions.

Like :mod:`baove.cases.actions`: each action is atomic, checks the acting user's permission
and scope (the placement's case must be in the user's area, with the same "not found"
answer as for a placement that does not exist), writes exactly one audit event, and refuses
bad input with translated messages by field, changing nothing. Actions that change a
placement take the ``expected_version`` the user saw (compare-and-set in one UPDATE).

Gatekeeping (family-based care first): a residential placement is recorded as ``proposed``
with a documented reason for ruling out each family-based option, and becomes active only
when another province manager of the same province approves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.cases.access import access_case
from baove.core.errors import ActionNotAllowed, Conflict, IllegalTransition, NotFound
from baove.core.validation import Errors
from baove.placements.models import Placement, PlacementReview
from baove.placements.vocab import (
    CARER_TYPES,
    DEFAULT_REVIEW_DAYS,
    FAMILY_OPTIONS,
    PROVIDER_TYPES,
    EndReason,
    FacilityType,
    PlacementStatus,
    PlacementType,
    ReviewOutcome,
)

if TYPE_CHECKING:
    from baove.accounts.models import Agency, User
    from baove.cases.models import Case

_CONFLICT = _("Someone else changed this placement after you opened it. Reload it and try again.")
_NOT_FOUND = _("Placement not found.")
#: Shortest explanation accepted for ruling out a family-based option (a word is not one).
MIN_RULED_OUT = 10
#: Bounds of a review interval in days.
REVIEW_DAYS_RANGE = (7, 366)


def review_days(placement_type: str) -> int:
    """Return the default days between reviews for ``placement_type``.

    ``settings.BAOVE_PLACEMENT_REVIEW_DAYS`` (a dict by type) overrides the defaults of
    :data:`~baove.placements.vocab.DEFAULT_REVIEW_DAYS`.
    """
    configured: Mapping[str, int] = getattr(settings, "BAOVE_PLACEMENT_REVIEW_DAYS", {}) or {}
    return int(configured.get(placement_type, DEFAULT_REVIEW_DAYS[placement_type]))


def _rescope(placement: Placement, user: User, perm: Perm) -> Placement:
    """Re-read ``placement`` if ``user`` may act on it with ``perm`` (else NotFound)."""
    require(user, perm)
    try:
        if placement.case_id is None:
            raise NotFound(_NOT_FOUND)
        access_case(user, placement.case_id, perm)
    except NotFound:
        raise NotFound(_NOT_FOUND) from None
    fresh = Placement.objects.select_related("agency").filter(pk=placement.pk).first()
    if fresh is None:
        raise NotFound(_NOT_FOUND)
    return fresh


def _cas_update(placement: Placement, expected_version: int, **fields: Any) -> None:
    """Apply ``fields`` only if the placement is still at ``expected_version``."""
    done = Placement.objects.filter(pk=placement.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not done:
        raise Conflict(_CONFLICT)
    placement.refresh_from_db()


def _check_version(placement: Placement, expected_version: Any) -> None:
    if not isinstance(expected_version, int) or placement.version != expected_version:
        raise Conflict(_CONFLICT)


def _interval(errors: Errors, value: Any, placement_type: str) -> int:
    if value is None or value == "":
        return review_days(placement_type) if placement_type else 0
    low, high = REVIEW_DAYS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors.add(
            "review_interval_days",
            _("Give a number of days between %(low)d and %(high)d.") % {"low": low, "high": high},
        )
        return 0
    return value


def _ruled_out(errors: Errors, values: Any) -> dict[str, str]:
    """Check that each family-based option is addressed with a reason it was ruled out."""
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        errors.add("ruled_out", _("This must be a JSON object."))
        return {}
    out: dict[str, str] = {}
    for option in FAMILY_OPTIONS:
        field = f"ruled_out_{option}"
        text = errors.text(field, values.get(option), max_length=2000, multiline=True)
        if field in errors.by_field:
            continue
        if len(text) < MIN_RULED_OUT:
            errors.add(
                field,
                _(
                    "Explain why “%(option)s” was considered and ruled out "
                    "(at least %(min)d characters)."
                )
                % {"option": PlacementType(option).label, "min": MIN_RULED_OUT},
            )
        out[option] = text
    unknown = sorted(str(k) for k in values if k not in FAMILY_OPTIONS)
    if unknown:
        errors.add("ruled_out", _("Only the family-based options can be ruled out here."))
    return out


def _end_current(child_id: int, start: dt.date, acting_user: User, now: dt.datetime) -> int | None:
    """End the child's active placement the day ``start`` begins; return its id (or None).

    Raises:
        IllegalTransition: The active placement started after ``start``.
    """
    current = Placement.objects.filter(child_id=child_id, status=PlacementStatus.ACTIVE).first()
    if current is None:
        return None
    if current.start_date > start:
        raise IllegalTransition(
            _(
                "The child's current placement started on %(date)s, after this one would "
                "start. Check the start date."
            )
            % {"date": current.start_date.strftime("%d/%m/%Y")}
        )
    Placement.objects.filter(pk=current.pk, status=PlacementStatus.ACTIVE).update(
        status=PlacementStatus.ENDED,
        end_date=start,
        end_reason=EndReason.NEW_PLACEMENT,
        ended_by=acting_user,
        version=F("version") + 1,
        updated_at=now,
    )
    return current.pk


def _same_request(existing: Placement, fields: Mapping[str, Any]) -> bool:
    """True when ``existing`` already records exactly ``fields`` (a double submission)."""
    return all(getattr(existing, name) == value for name, value in fields.items())


def record_placement(
    case: Case,
    *,
    acting_user: User,
    placement_type: str,
    start_date: Any,
    reason: str,
    carer_name: str = "",
    carer_relationship: str = "",
    agency: Agency | None = None,
    facility_type: str = "",
    review_interval_days: int | None = None,
    ruled_out: Mapping[str, str] | None = None,
    justification: str = "",
) -> Placement:
    """Record where the case's child is placed.

    Family-based placements (parents, kinship, foster, community) are active at once and
    end the child's previous active placement on the new start date. A residential
    placement is recorded as ``proposed`` and waits for a province manager's approval
    (:func:`decide_placement`); it needs ``ruled_out`` (a reason for each of parents,
    kinship, foster and community) and a ``justification``. Repeating the same request
    (a double click) returns the placement already recorded.

    Args:
        case: An open case in the user's area; the placement is for its child.
        acting_user: The worker recording it (also the requester of an approval).
        placement_type: A :class:`PlacementType` value.
        start_date: First day in the placement (date or ``YYYY-MM-DD``; not in the future).
        reason: Why the child is placed here.
        carer_name: The carer (kinship and foster care: required).
        carer_relationship: The carer's relationship to the child (kinship, foster).
        agency: The provider (community-based and residential care: required, active).
        facility_type: A :class:`FacilityType` value (residential care: required).
        review_interval_days: Days between reviews (default by type, see
            :func:`review_days`).
        ruled_out: ``{option: reason}`` for each family-based option (residential care).
        justification: Why residential care is in the child's best interests (residential).

    Raises:
        ValidationFailed: With every invalid field; nothing is written.
        NotFound: The case is not in the user's area.
        IllegalTransition: The case is closed, or the child's current placement started
            after ``start_date``.
        Conflict: Another residential placement is already waiting for approval.
    """
    require(acting_user, Perm.PLACEMENT_RECORD)
    case = access_case(acting_user, case.pk, Perm.PLACEMENT_RECORD)
    if not case.is_open:
        raise IllegalTransition(_("A closed case cannot get a new placement; reopen it first."))
    child = case.child
    errors = Errors()
    kind = errors.choice("placement_type", placement_type, set(PlacementType.values))
    start = errors.date("start_date", start_date)
    if start is not None and start < child.birth_date:
        errors.add("start_date", _("A placement cannot start before the child was born."))
    clean_reason = errors.text("reason", reason, max_length=4000, multiline=True, required=True)
    fields: dict[str, Any] = {"carer_name": "", "carer_relationship": "", "agency": None}
    if kind in CARER_TYPES:
        fields["carer_name"] = errors.text("carer_name", carer_name, max_length=150, required=True)
        fields["carer_relationship"] = errors.text(
            "carer_relationship", carer_relationship, max_length=50, required=True
        )
    elif kind == PlacementType.PARENTS:
        fields["carer_name"] = errors.text("carer_name", carer_name, max_length=150)
    if kind in PROVIDER_TYPES:
        if agency is None:
            errors.add("agency", _("Choose the organisation that provides the care."))
        elif not agency.is_active:
            errors.add("agency", _("This agency is no longer active."))
        else:
            fields["agency"] = agency
    facility = ""
    choices: dict[str, str] = {}
    summary = ""
    if kind == PlacementType.RESIDENTIAL:
        facility = errors.choice("facility_type", facility_type, set(FacilityType.values))
        choices = _ruled_out(errors, ruled_out)
        summary = errors.text(
            "justification", justification, max_length=4000, multiline=True, required=True
        )
    interval = _interval(errors, review_interval_days, kind)
    errors.raise_if_any()
    assert start is not None
    residential = kind == PlacementType.RESIDENTIAL
    status = PlacementStatus.PROPOSED if residential else PlacementStatus.ACTIVE
    fields.update(
        placement_type=kind,
        start_date=start,
        reason=clean_reason,
        facility_type=facility,
        ruled_out=choices,
        justification=summary,
        review_interval_days=interval,
    )
    now = timezone.now()
    with transaction.atomic():
        pending = Placement.objects.select_for_update().filter(child=child, status=status).first()
        if pending is not None and _same_request(pending, fields):
            # A double submission: the same placement is already recorded; say so once more.
            record(
                acting_user, "placement.record", case_id=case.pk, child_id=child.pk,
                object_type="placement", object_id=pending.pk,
                details={"type": kind, "status": status, "repeat": True},
            )  # fmt: skip
            return pending
        if residential and pending is not None:
            raise Conflict(
                _(
                    "A residential placement of this child is already waiting for approval; "
                    "wait for the manager's decision."
                )
            )
        ended = None if residential else _end_current(child.pk, start, acting_user, now)
        placement = Placement(
            child=child,
            case=case,
            status=status,
            province_id=child.province_id,
            commune_id=child.commune_id,
            next_review_due=None if residential else start + dt.timedelta(days=interval),
            requested_by=acting_user,
            requested_at=now,
            **fields,
        )
        try:
            with transaction.atomic():
                placement.save()
        except IntegrityError:
            # Another placement of this child was recorded at the same moment.
            raise Conflict(
                _("Another placement of this child was just recorded. Reload and check.")
            ) from None
        record(
            acting_user, "placement.record", case_id=case.pk, child_id=child.pk,
            object_type="placement", object_id=placement.pk,
            details={"type": kind, "status": status, "ended": ended},
        )  # fmt: skip
    return placement


def decide_placement(
    placement: Placement,
    *,
    approve: bool,
    comment: str,
    acting_user: User,
    expected_version: int,
) -> Placement:
    """Approve or reject a proposed residential placement (province managers).

    Approving makes it active (ending the child's current placement on its start date) and
    schedules the first review. The manager must be in the placement's province and must
    not be the one who proposed it (four eyes). Rejecting needs a comment.

    Raises:
        ActionNotAllowed: The role may not approve, or the manager proposed it.
        NotFound: The placement is not in the manager's province.
        Conflict: It was already decided, or changed since ``expected_version``.
    """
    placement = _rescope(placement, acting_user, Perm.PLACEMENT_APPROVE)
    if placement.requested_by_id == acting_user.pk:
        raise ActionNotAllowed(_("Another manager must decide on your own request."))
    if placement.status != PlacementStatus.PROPOSED:
        raise Conflict(_("This placement was already decided."))
    _check_version(placement, expected_version)
    errors = Errors()
    approve = errors.boolean("approve", approve)
    clean = errors.text("comment", comment, max_length=2000, multiline=True, required=not approve)
    errors.raise_if_any()
    now = timezone.now()
    ended = None
    with transaction.atomic():
        fields: dict[str, Any] = {
            "decided_by": acting_user,
            "decided_at": now,
            "decision_comment": clean,
            "status": PlacementStatus.ACTIVE if approve else PlacementStatus.REJECTED,
        }
        if approve:
            ended = _end_current(placement.child_id, placement.start_date, acting_user, now)
            fields["next_review_due"] = placement.start_date + dt.timedelta(
                days=placement.review_interval_days
            )
        try:
            with transaction.atomic():
                _cas_update(placement, expected_version, **fields)
        except IntegrityError:
            raise Conflict(_CONFLICT) from None
        record(
            acting_user,
            "placement.approve" if approve else "placement.reject",
            case_id=placement.case_id, child_id=placement.child_id,
            object_type="placement", object_id=placement.pk, details={"ended": ended},
        )  # fmt: skip
    return placement


def record_review(
    placement: Placement,
    *,
    acting_user: User,
    expected_version: int,
    reviewed_on: Any,
    outcome: str,
    note: str = "",
    next_due: Any = None,
) -> PlacementReview:
    """Record a review of an active placement and set when the next one is due.

    Args:
        placement: An active placement whose case is in the user's area.
        acting_user: The reviewer.
        expected_version: The placement version the reviewer read.
        reviewed_on: Day of the review (not in the future, not before the start).
        outcome: A :class:`ReviewOutcome` value; other than "continue" needs a note.
        note: What was found and decided.
        next_due: Day the next review is due (default: after the placement's interval).
    """
    placement = _rescope(placement, acting_user, Perm.PLACEMENT_RECORD)
    if placement.status != PlacementStatus.ACTIVE:
        raise IllegalTransition(_("Only an active placement can be reviewed."))
    _check_version(placement, expected_version)
    errors = Errors()
    day = errors.date("reviewed_on", reviewed_on)
    if day is not None and day < placement.start_date:
        errors.add("reviewed_on", _("A review cannot be before the placement started."))
        day = None
    kind = errors.choice("outcome", outcome, set(ReviewOutcome.values))
    clean = errors.text(
        "note", note, max_length=4000, multiline=True,
        required=bool(kind) and kind != ReviewOutcome.CONTINUE,
    )  # fmt: skip
    due: dt.date | None = None
    if next_due not in (None, ""):
        due = errors.date("next_due", next_due, not_future=False)
        if due is not None and day is not None and not day < due <= day + dt.timedelta(366):
            errors.add("next_due", _("The next review must be within a year after this one."))
    errors.raise_if_any()
    assert day is not None
    if due is None:
        due = day + dt.timedelta(days=placement.review_interval_days)
    with transaction.atomic():
        _cas_update(placement, expected_version, next_review_due=due)
        review = PlacementReview.objects.create(
            placement=placement, reviewed_on=day, reviewer=acting_user, outcome=kind,
            note=clean, next_due=due,
        )  # fmt: skip
        record(
            acting_user, "placement.review", case_id=placement.case_id,
            child_id=placement.child_id, object_type="placement", object_id=placement.pk,
            details={"outcome": kind, "next_due": due.isoformat()},
        )  # fmt: skip
    return review


def end_placement(
    placement: Placement,
    *,
    acting_user: User,
    expected_version: int,
    end_date: Any,
    end_reason: str,
    note: str = "",
) -> Placement:
    """End an active placement (the child left it on ``end_date``).

    Raises:
        IllegalTransition: The placement is not active.
        ValidationFailed: The date is in the future or before the start, the reason is not
            one of the options, or "other reason" without a note.
    """
    placement = _rescope(placement, acting_user, Perm.PLACEMENT_RECORD)
    if placement.status != PlacementStatus.ACTIVE:
        raise IllegalTransition(_("Only an active placement can be ended."))
    _check_version(placement, expected_version)
    errors = Errors()
    day = errors.date("end_date", end_date)
    if day is not None and day < placement.start_date:
        errors.add("end_date", _("A placement cannot end before it started."))
    why = errors.choice("end_reason", end_reason, set(EndReason.values))
    clean = errors.text(
        "note", note, max_length=2000, multiline=True, required=why == EndReason.OTHER
    )
    errors.raise_if_any()
    with transaction.atomic():
        _cas_update(
            placement, expected_version, status=PlacementStatus.ENDED, end_date=day,
            end_reason=why, end_note=clean, ended_by=acting_user,
        )  # fmt: skip
        record(
            acting_user, "placement.end", case_id=placement.case_id,
            child_id=placement.child_id, object_type="placement", object_id=placement.pk,
            details={"reason": why},
        )  # fmt: skip
    return placement
