"""Row layouts of the generated records.

Each row is a plain tuple whose fields follow the column order given in :data:`COLUMNS`,
which uses the column names of the Django models' tables (``commune_id``, ``owner_id``
...), so a loader can hand the rows straight to ``COPY`` or ``executemany``.
Datetimes are timezone-aware (UTC) and whole seconds; dates are :class:`datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

__all__ = [
    "COLUMNS",
    "TABLE_ORDER",
    "ApprovalRow",
    "Batch",
    "CaregiverRow",
    "CaseCategoryRow",
    "CaseRow",
    "ChildCaregiverRow",
    "ChildRow",
    "ConsentRow",
    "HouseholdRow",
    "IdStart",
    "NoteRow",
]

#: id, commune_id, address, poverty_status, created_at
HouseholdRow = tuple[int, str, str, str, dt.datetime]
#: id, full_name, sex, phone, id_number, household_id
CaregiverRow = tuple[int, str, str, str, str, int]
#: id, family_name, middle_name, given_name, name_folded, given_first_folded, sex,
#: birth_date, birth_date_estimated, ethnicity, disability, id_number, birth_registered,
#: health_insurance, commune_id, province_id, household_id, address, created_at,
#: updated_at, version
ChildRow = tuple[
    int, str, str, str, str, str, str, dt.date, bool, str, str, str | None, str, str, str,
    str, int, str, dt.datetime, dt.datetime, int,
]  # fmt: skip
#: id, child_id, caregiver_id, relationship, is_primary, lives_with_child
ChildCaregiverRow = tuple[int, int, int, str, bool, bool]
#: id, reference, child_id, status, risk_level, summary, intake_source, commune_id,
#: province_id, owner_id, reported_at, response_due_at, first_response_at, plan_text,
#: plan_approved_at, closure_reason, closed_at, is_open, created_at, updated_at, version,
#: name_folded, given_first_folded (the child's, copied for search within an area)
CaseRow = tuple[
    int, str, int, str, str, str, str, str, str, int | None, dt.datetime, dt.datetime,
    dt.datetime | None, str, dt.datetime | None, str, dt.datetime | None, bool, dt.datetime,
    dt.datetime, int, str, str,
]  # fmt: skip
#: id, case_id, code
CaseCategoryRow = tuple[int, int, str]
#: id, case_id, purpose, granted, given_by, relationship, recorded_by_id, recorded_at,
#: withdrawn_at
ConsentRow = tuple[int, int, str, bool, str, str, int | None, dt.datetime, dt.datetime | None]
#: id, case_id, author_id, text, created_at
NoteRow = tuple[int, int, int | None, str, dt.datetime]
#: id, case_id, kind, status, payload, requested_by_id, requested_at, decided_by_id,
#: decided_at, comment
ApprovalRow = tuple[
    int, int, str, str, dict[str, str], int | None, dt.datetime, int | None,
    dt.datetime | None, str,
]  # fmt: skip

#: Column names of each kind of row, in tuple order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "households": ("id", "commune_id", "address", "poverty_status", "created_at"),
    "caregivers": ("id", "full_name", "sex", "phone", "id_number", "household_id"),
    "children": (
        "id", "family_name", "middle_name", "given_name", "name_folded", "given_first_folded",
        "sex", "birth_date", "birth_date_estimated", "ethnicity", "disability", "id_number",
        "birth_registered", "health_insurance", "commune_id", "province_id", "household_id",
        "address", "created_at", "updated_at", "version",
    ),
    "child_caregivers": (
        "id", "child_id", "caregiver_id", "relationship", "is_primary", "lives_with_child",
    ),
    "cases": (
        "id", "reference", "child_id", "status", "risk_level", "summary", "intake_source",
        "commune_id", "province_id", "owner_id", "reported_at", "response_due_at",
        "first_response_at", "plan_text", "plan_approved_at", "closure_reason", "closed_at",
        "is_open", "created_at", "updated_at", "version", "name_folded", "given_first_folded",
    ),
    "case_categories": ("id", "case_id", "code"),
    "consents": (
        "id", "case_id", "purpose", "granted", "given_by", "relationship", "recorded_by_id",
        "recorded_at", "withdrawn_at",
    ),
    "notes": ("id", "case_id", "author_id", "text", "created_at"),
    "approvals": (
        "id", "case_id", "kind", "status", "payload", "requested_by_id", "requested_at",
        "decided_by_id", "decided_at", "comment",
    ),
}  # fmt: skip

#: An order in which the kinds of rows can be inserted (every reference points backwards).
TABLE_ORDER: tuple[str, ...] = (
    "households", "caregivers", "children", "child_caregivers", "cases", "case_categories",
    "consents", "notes", "approvals",
)  # fmt: skip


@dataclass(slots=True)
class IdStart:
    """The first id to give to the rows of each kind (ids then count up by one)."""

    households: int = 1
    caregivers: int = 1
    children: int = 1
    child_caregivers: int = 1
    cases: int = 1
    case_categories: int = 1
    consents: int = 1
    notes: int = 1
    approvals: int = 1


@dataclass(slots=True)
class Batch:
    """The rows of a run of whole households, their caregivers, children and cases."""

    households: list[HouseholdRow] = field(default_factory=list)
    caregivers: list[CaregiverRow] = field(default_factory=list)
    children: list[ChildRow] = field(default_factory=list)
    child_caregivers: list[ChildCaregiverRow] = field(default_factory=list)
    cases: list[CaseRow] = field(default_factory=list)
    case_categories: list[CaseCategoryRow] = field(default_factory=list)
    consents: list[ConsentRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    approvals: list[ApprovalRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Return the number of rows of each kind, keyed as in :data:`COLUMNS`."""
        return {name: len(self.rows(name)) for name in TABLE_ORDER}

    def rows(self, name: str) -> list[tuple[object, ...]]:
        """Return the rows of one kind (``"cases"``, ``"children"`` ...)."""
        if name not in COLUMNS:
            raise KeyError(name)
        rows: list[tuple[object, ...]] = getattr(self, name)
        return rows

    def extend(self, other: Batch) -> None:
        """Append the rows of ``other`` to this batch."""
        for name in TABLE_ORDER:
            self.rows(name).extend(other.rows(name))
