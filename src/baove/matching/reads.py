"""Scoped, audited reads of the clerical review queue.

A province manager reaches a pair when either record lies in their province; a pair out
of reach answers "not found", exactly like a pair that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, has_perm, require, scope_of
from baove.audit.log import record
from baove.core.errors import NotFound
from baove.matching.candidates import FieldEvidence, _compiled, explain
from baove.matching.models import LinkageBatch, LinkedRecord, ReviewDecision, ReviewPair
from baove.matching.standard import as_record

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = ["PairView", "access_pair", "review_queue", "scoped_pairs", "view_pair"]

MAX_QUEUE = 200
_NOT_FOUND = _("Review pair not found.")


def scoped_pairs(user: User) -> QuerySet[ReviewPair]:
    """The review pairs ``user`` may decide on (empty when none)."""
    if not has_perm(user, Perm.MATCH_REVIEW) or scope_of(user) is not Scope.PROVINCE:
        return ReviewPair.objects.none()
    province = user.province_id
    if not province:
        return ReviewPair.objects.none()
    return ReviewPair.objects.filter(Q(province_l=province) | Q(province_r=province))


def access_pair(user: User, pair_id: int | str) -> ReviewPair:
    """Return the pair with both records if ``user`` may review it.

    Raises:
        NotFound: Missing, out of scope, or the role may not review (one answer).
    """
    try:
        pk = int(pair_id)
    except (TypeError, ValueError):
        raise NotFound(_NOT_FOUND) from None
    if not 0 < pk < 2**63:
        raise NotFound(_NOT_FOUND)
    pair = scoped_pairs(user).select_related("record_l", "record_r").filter(pk=pk).first()
    if pair is None:
        raise NotFound(_NOT_FOUND)
    return pair


def review_queue(
    user: User, *, status: str = "pending", limit: int = MAX_QUEUE
) -> list[ReviewPair]:
    """The pairs waiting for review in ``user``'s province, most likely matches first.

    Args:
        user: A province manager.
        status: ``pending`` (default), a decision, or ``all``.
        limit: Most pairs returned.

    Raises:
        ActionNotAllowed: The role may not review.
    """
    require(user, Perm.MATCH_REVIEW)
    qs = scoped_pairs(user).select_related("record_l", "record_r")
    if status != "all":
        qs = qs.filter(status=status)
    pairs = list(qs.order_by("-match_probability", "id")[: max(1, min(limit, MAX_QUEUE))])
    record(
        user, "match.review_list", object_type="review_pair",
        details={"status": status, "results": [p.pk for p in pairs]},
    )  # fmt: skip
    return pairs


@dataclass(frozen=True)
class PairView:
    """A pair for the side-by-side page: records, evidence, decision history."""

    pair: ReviewPair
    left: LinkedRecord
    right: LinkedRecord
    evidence: list[FieldEvidence]
    match_weight: float
    history: list[ReviewDecision]


def view_pair(user: User, pair_id: int | str) -> PairView:
    """Return one pair with the per-field evidence, and audit the read.

    The evidence is recomputed with the model of the pair's batch, so every field shows
    its level and weight even when the batch output carried only labels.
    """
    require(user, Perm.MATCH_REVIEW)
    pair = access_pair(user, pair_id)
    batch_id = pair.batch_id
    if batch_id is not None and not LinkageBatch.objects.filter(pk=batch_id).exists():
        batch_id = None
    model = _compiled(batch_id)[0]
    score = model.score(as_record(pair.record_l), as_record(pair.record_r))
    history = list(pair.decisions.select_related("decided_by").order_by("decided_at", "id"))
    record(
        user, "match.review_view", object_type="review_pair", object_id=pair.pk,
        details={"records": [pair.record_l.record_id, pair.record_r.record_id]},
    )  # fmt: skip
    return PairView(
        pair, pair.record_l, pair.record_r, explain(score.evidence), score.match_weight, history
    )
