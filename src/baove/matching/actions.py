"""Every state change of the clerical review queue.

Like :mod:`baove.cases.actions`: one function per change, atomic, permission- and
scope-checked, exactly one audit event. A decision carries the pair ``version`` the
reviewer saw; if someone decided meanwhile, the answer is a conflict and nothing changes.
A later decision replaces an earlier one; both stay in the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.core.errors import Conflict
from baove.core.validation import Errors
from baove.matching.models import DECISIONS, ReviewDecision, ReviewPair
from baove.matching.reads import access_pair

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = ["decide_pair"]

_CONFLICT = _("Someone else decided on this pair after you opened it. Reload it and try again.")


def decide_pair(
    pair_id: int | str,
    *,
    decision: str,
    note: str = "",
    acting_user: User,
    expected_version: int,
) -> ReviewPair:
    """Record a reviewer's decision on a pair: same child, different children, or unsure.

    Args:
        pair_id: The review pair.
        decision: ``match``, ``non_match`` or ``unsure``.
        note: Why (optional, up to 2,000 characters).
        acting_user: A province manager whose province holds either record.
        expected_version: The pair ``version`` the reviewer saw.

    Raises:
        ActionNotAllowed: The role may not review.
        NotFound: The pair does not exist or is out of scope.
        ValidationFailed: Unknown decision, note too long.
        Conflict: The pair was decided by someone else since it was read.
    """
    require(acting_user, Perm.MATCH_REVIEW)
    pair = access_pair(acting_user, pair_id)
    errors = Errors()
    choice = errors.choice("decision", decision, {str(d) for d in DECISIONS})
    clean_note = errors.text("note", note, max_length=2000, multiline=True)
    if not isinstance(expected_version, int) or isinstance(expected_version, bool):
        errors.add("expected_version", _("This must be a whole number."))
    errors.raise_if_any()
    if pair.version != expected_version:
        raise Conflict(_CONFLICT)
    now = timezone.now()
    previous = pair.status
    with transaction.atomic():
        done = ReviewPair.objects.filter(pk=pair.pk, version=expected_version).update(
            status=choice, version=F("version") + 1, decided_by=acting_user, decided_at=now
        )
        if not done:
            raise Conflict(_CONFLICT)
        ReviewDecision.objects.create(
            pair=pair,
            decision=choice,
            note=clean_note,
            decided_by=acting_user,
            decided_by_role=acting_user.role,
            decided_at=now,
        )
        record(
            acting_user,
            "match.review_decide",
            object_type="review_pair",
            object_id=pair.pk,
            details={"decision": choice, "previous": previous, "version": expected_version + 1},
        )
    pair.refresh_from_db()
    return pair
