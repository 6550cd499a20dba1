"""JSON API of the screening app (mounted under ``/api/screening``).

Thin: reads go through :mod:`baove.screening.reads` (scoped, audited), changes through
:mod:`baove.screening.actions`. 403 when the role may never do it, 404 for "not yours" and
"does not exist" alike.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import P, PathEx, Router, Status
from pydantic import BaseModel, StrictBool, StrictInt

from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, In, responses
from baove.cases.access import access_case
from baove.riskrules import CHECKLIST
from baove.screening import actions, reads
from baove.screening.models import Screening

router = Router(tags=["screening"])

ScreeningId = PathEx[int, P(ge=1, le=MAX_ID, description="Screening id.")]
CaseId = PathEx[int, P(ge=1, le=MAX_ID, description="Case id.")]


class OptionOut(BaseModel):
    value: str
    label: str


class ItemOut(BaseModel):
    code: str
    label: str
    answer_type: str
    options: list[OptionOut]
    category: str


class ReasonOut(BaseModel):
    rule: str
    items: list[str]
    points: int
    at_least: str | None
    text: str


class ScreeningOut(BaseModel):
    id: int
    case_id: int | None
    child_id: int
    kind: str
    answers: dict[str, Any]
    rules_version: str
    score: int
    computed_level: str
    final_level: str
    reasons: list[ReasonOut]
    override_note: str
    confirmed_by: str | None
    confirmed_at: dt.datetime | None
    screened_at: dt.datetime
    screened_by: str
    version: int


class ScreeningIn(In):
    case_id: StrictInt
    kind: str = "intake"
    answers: dict[str, StrictBool | str | None]


class ConfirmIn(In):
    version: StrictInt | None = None


class OverrideIn(In):
    level: str
    note: str
    version: StrictInt | None = None


class ReplayIn(In):
    text: str
    since: dt.datetime | None = None


class ReplayChangeOut(BaseModel):
    screening_id: int
    case_id: int | None
    case_reference: str
    screened_at: dt.datetime
    old_version: str
    old_level: str
    new_level: str
    old_reasons: list[str]
    new_reasons: list[str]


class TransitionOut(BaseModel):
    old_level: str
    new_level: str
    count: int


class ReplayOut(BaseModel):
    new_version: str
    screenings: int
    changed: int
    raised: int
    lowered: int
    transitions: list[TransitionOut]
    changes: list[ReplayChangeOut]


def _lang() -> str:
    return get_language() or "vi"


def _out(s: Screening) -> ScreeningOut:
    key = "text_vi" if _lang().startswith("vi") else "text_en"
    return ScreeningOut(
        id=s.pk,
        case_id=s.case_id,
        child_id=s.child_id,
        kind=s.kind,
        answers=s.answers,
        rules_version=s.rules_version,
        score=s.score,
        computed_level=s.computed_level,
        final_level=s.final_level,
        reasons=[
            ReasonOut(
                rule=r["rule"],
                items=r["items"],
                points=r["points"],
                at_least=r["at_least"],
                text=r.get(key, ""),
            )
            for r in s.reasons
        ],
        override_note=s.override_note,
        confirmed_by=s.confirmed_by.username if s.confirmed_by_id and s.confirmed_by else None,
        confirmed_at=s.confirmed_at,
        screened_at=s.screened_at,
        screened_by=s.screened_by.username,
        version=s.version,
    )


@router.get("/checklist", response=responses(200, list[ItemOut]))
def checklist(request: HttpRequest) -> list[ItemOut]:
    """The checklist items, their answer types and options, in the request's language."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    lang = _lang()
    vi = lang.startswith("vi")
    return [
        ItemOut(
            code=i.code,
            label=i.label(lang),
            answer_type=i.answer_type,
            options=[
                OptionOut(value=o.value, label=o.label_vi if vi else o.label_en) for o in i.options
            ],
            category=i.category,
        )
        for i in CHECKLIST
    ]


@router.post("/screenings", response=responses(201, ScreeningOut))
def record(request: HttpRequest, payload: ScreeningIn) -> Status[ScreeningOut]:
    """Screen a case's child with the rules in force; the level comes with its reasons."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    case = access_case(user, payload.case_id, Perm.SCREENING_RECORD)
    screening = actions.record_screening(
        case, answers=payload.answers, kind=payload.kind, acting_user=user
    )
    screening.refresh_from_db()
    return Status(201, _out(screening))


@router.get("/screenings/{screening_id}", response=responses(200, ScreeningOut))
def get_screening(request: HttpRequest, screening_id: ScreeningId) -> ScreeningOut:
    """One screening (audited)."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    return _out(reads.view_screening(user, screening_id))


@router.get("/cases/{case_id}/screenings", response=responses(200, list[ScreeningOut]))
def list_for_case(request: HttpRequest, case_id: CaseId) -> list[ScreeningOut]:
    """The screenings of a case, newest first (audited)."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    return [_out(s) for s in reads.case_screenings(user, case_id)]


@router.post("/screenings/{screening_id}/confirm", response=responses(200, ScreeningOut))
def confirm(request: HttpRequest, screening_id: ScreeningId, payload: ConfirmIn) -> ScreeningOut:
    """Confirm the level the rules gave (409 if already decided)."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    screening = reads.view_screening(user, screening_id)
    done = actions.confirm_screening(screening, acting_user=user, expected_version=payload.version)
    return _out(Screening.objects.select_related("screened_by", "confirmed_by").get(pk=done.pk))


@router.post("/screenings/{screening_id}/override", response=responses(200, ScreeningOut))
def override(request: HttpRequest, screening_id: ScreeningId, payload: OverrideIn) -> ScreeningOut:
    """Override the level with a note saying why (the note is required)."""
    user = user_of(request)
    require(user, Perm.SCREENING_RECORD)
    screening = reads.view_screening(user, screening_id)
    done = actions.override_screening(
        screening,
        level=payload.level,
        note=payload.note,
        acting_user=user,
        expected_version=payload.version,
    )
    return _out(Screening.objects.select_related("screened_by", "confirmed_by").get(pk=done.pk))


@router.post("/rules/replay", response=responses(200, ReplayOut))
def replay(request: HttpRequest, payload: ReplayIn) -> ReplayOut:
    """Which past screenings a rules file would give another level (changes nothing)."""
    user = user_of(request)
    require(user, Perm.SCREENING_RULES)
    report = actions.replay_rules(payload.text, acting_user=user, since=payload.since)
    return ReplayOut(
        new_version=report.new_version,
        screenings=report.screenings,
        changed=report.changed,
        raised=report.raised,
        lowered=report.lowered,
        transitions=[
            TransitionOut(old_level=a, new_level=b, count=n)
            for (a, b), n in sorted(report.transitions.items())
        ],
        changes=[ReplayChangeOut(**vars(c)) for c in report.changes],
    )
