"""Record linkage: "may already be known" candidates and the clerical review queue.

Views only translate HTTP to calls: :func:`baove.matching.candidates.find_candidates`
(scoped, audited), :mod:`baove.matching.reads` and :mod:`baove.matching.actions`.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema
from pydantic import StrictInt

from baove.accounts.roles import Perm, require
from baove.api.auth import user_of
from baove.api.schemas import MAX_ID, In, IsoDate, Lookup, Out, responses
from baove.matching import actions, reads
from baove.matching.candidates import MAX_LIMIT, Candidate, FieldEvidence, find_candidates
from baove.matching.models import LinkedRecord, ReviewPair

router = Router(tags=["matching"])

PairId = PathEx[int, P(ge=1, le=MAX_ID, description="Review pair id.")]


class CandidateQuery(Schema):
    family: Lookup = Field("", max_length=80, description="Family name (tones optional).")
    middle: Lookup = Field("", max_length=80)
    given: Lookup = Field("", max_length=80, description="Given name.")
    birth_date: IsoDate | None = Field(None, description="YYYY-MM-DD.")
    birth_year: int | None = Field(None, ge=1900, le=2100, description="When the date is unknown.")
    sex: Literal["M", "F"] | None = None
    commune: str | None = Field(None, pattern=r"^[0-9]{5}$", description="2025 commune code.")
    id_number: str | None = Field(None, pattern=r"^[0-9]{12}$")
    limit: int = Field(10, ge=1, le=MAX_LIMIT)


class EvidenceOut(Out):
    field: str = Field(description="The comparison: given_name, birth_date, place, ...")
    level: str = Field(description="The model's comparison level.")
    text: str = Field(description="In words, in the language of Accept-Language.")
    weight: float = Field(description="Match weight (log2 Bayes factor) this field adds.")
    agrees: bool


class RecordOut(Out):
    record_id: str
    source: str
    cluster_id: str
    display_name: str
    display_birth_date: str
    sex: str
    commune: str
    province: str


class CandidateOut(Out):
    record: RecordOut
    match_probability: float
    match_weight: float
    explanation: str = Field(description="The fields that agree, in words.")
    evidence: list[EvidenceOut]


class ReviewPairOut(Out):
    id: int
    version: int
    status: str
    match_probability: float
    match_weight: float
    record_l: RecordOut
    record_r: RecordOut
    decided_at: dt.datetime | None


class ReviewPairDetailOut(ReviewPairOut):
    evidence: list[EvidenceOut]


class ReviewQuery(Schema):
    status: Literal["pending", "match", "non_match", "unsure", "all"] = "pending"
    limit: int = Field(100, ge=1, le=reads.MAX_QUEUE)


class ReviewDecisionIn(In):
    decision: Literal["match", "non_match", "unsure"] = Field(
        description="match: same child; non_match: different children; unsure."
    )
    note: str = Field("", json_schema_extra={"maxLength": 2000})
    expected_version: StrictInt = Field(
        ge=1, le=2**31 - 1, description="The pair `version` you read; 409 if it changed since."
    )


def _record(row: LinkedRecord) -> RecordOut:
    return RecordOut(
        record_id=row.record_id, source=row.source, cluster_id=row.cluster_id,
        display_name=row.display_name, display_birth_date=row.display_birth_date,
        sex=row.sex, commune=row.commune, province=row.province,
    )  # fmt: skip


def _evidence(items: list[FieldEvidence]) -> list[EvidenceOut]:
    return [
        EvidenceOut(
            field=e.comparison, level=e.label, text=e.text, weight=e.weight, agrees=e.agrees
        )
        for e in items
    ]


def _candidate(c: Candidate) -> CandidateOut:
    return CandidateOut(
        record=_record(c.record), match_probability=c.match_probability,
        match_weight=c.match_weight, explanation=c.explanation, evidence=_evidence(c.evidence),
    )  # fmt: skip


def _pair(p: ReviewPair) -> ReviewPairOut:
    return ReviewPairOut(
        id=p.pk, version=p.version, status=p.status, match_probability=p.match_probability,
        match_weight=p.match_weight, record_l=_record(p.record_l), record_r=_record(p.record_r),
        decided_at=p.decided_at,
    )  # fmt: skip


@router.get("/matching/candidates", response=responses(200, list[CandidateOut]))
def match_candidates(request: HttpRequest, q: Query[CandidateQuery]) -> list[CandidateOut]:
    """Records in your area, from every linked source, that may be the child described.

    Give at least the given name or the ID number. Each candidate comes with its score
    (match probability and weight) and the fields that agreed. Audited with the ids shown.
    """
    user = user_of(request)
    require(user, Perm.MATCH_SEARCH)
    birth: dt.date | str | None = q.birth_date
    if birth is None and q.birth_year is not None:
        birth = str(q.birth_year)
    found = find_candidates(
        user, family=q.family, middle=q.middle, given=q.given, birth_date=birth,
        sex=q.sex or "", commune=q.commune or "", id_number=q.id_number or "", limit=q.limit,
    )  # fmt: skip
    return [_candidate(c) for c in found]


@router.get("/matching/review", response=responses(200, list[ReviewPairOut]))
def review_queue(request: HttpRequest, q: Query[ReviewQuery]) -> list[ReviewPairOut]:
    """Pairs waiting for clerical review in your province, most likely matches first."""
    user = user_of(request)
    require(user, Perm.MATCH_REVIEW)
    return [_pair(p) for p in reads.review_queue(user, status=q.status, limit=q.limit)]


@router.get("/matching/review/{pair_id}", response=responses(200, ReviewPairDetailOut))
def review_pair(request: HttpRequest, pair_id: PairId) -> ReviewPairDetailOut:
    """One pair with the per-field evidence (404 outside your province)."""
    user = user_of(request)
    require(user, Perm.MATCH_REVIEW)
    view = reads.view_pair(user, pair_id)
    return ReviewPairDetailOut(**_pair(view.pair).model_dump(), evidence=_evidence(view.evidence))


@router.post("/matching/review/{pair_id}", response=responses(200, ReviewPairOut))
def decide_pair(request: HttpRequest, pair_id: PairId, payload: ReviewDecisionIn) -> ReviewPairOut:
    """Decide on a pair: same child, different children or unsure (409 if decided meanwhile).

    A later decision replaces an earlier one; both stay in the history and the latest
    becomes a label for evaluation and retraining.
    """
    user = user_of(request)
    require(user, Perm.MATCH_REVIEW)
    pair = actions.decide_pair(
        pair_id, decision=payload.decision, note=payload.note, acting_user=user,
        expected_version=payload.expected_version,
    )  # fmt: skip
    pair = reads.access_pair(user, pair.pk)
    return _pair(pair)
