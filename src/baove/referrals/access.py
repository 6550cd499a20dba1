"""Who sees which referrals.

The sending side (commune officers, province managers) sees the referrals sent from cases
in its area; the receiving agency's staff see only the referrals sent to their agency, and
of those only the snapshot the sender chose to share. A referral outside one's side answers
"not found", exactly like one that does not exist.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from baove.accounts.roles import Perm, Scope, has_perm, scope_of
from baove.core.errors import NotFound
from baove.referrals.models import Referral

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User


class Side(enum.StrEnum):
    """Which side of referrals a user is on."""

    SENDER = "sender"  # sees everything about referrals from their area
    RECEIVER = "receiver"  # sees the shared snapshot of referrals to their agency
    NONE = "none"


def side_of(user: User | AnonymousUser) -> Side:
    """Return the side of referrals the user's role works on."""
    scope = scope_of(user)
    if scope in (Scope.COMMUNE, Scope.PROVINCE):
        return Side.SENDER
    if scope is Scope.AGENCY:
        return Side.RECEIVER
    return Side.NONE


def scoped_referrals(
    user: User | AnonymousUser, perm: Perm = Perm.REFERRAL_VIEW
) -> QuerySet[Referral]:
    """Return the referrals ``user`` may act on with ``perm`` (empty when none)."""
    if not has_perm(user, perm):
        return Referral.objects.none()
    scope = scope_of(user)
    qs = Referral.objects.all()
    if scope is Scope.COMMUNE and user.commune_id:  # type: ignore[union-attr]
        return qs.filter(from_commune_id=user.commune_id)  # type: ignore[union-attr]
    if scope is Scope.PROVINCE and user.province_id:  # type: ignore[union-attr]
        return qs.filter(from_province_id=user.province_id)  # type: ignore[union-attr]
    if scope is Scope.AGENCY and user.agency_id:  # type: ignore[union-attr]
        return qs.filter(to_agency_id=user.agency_id)  # type: ignore[union-attr]
    return Referral.objects.none()


def access_referral(
    user: User | AnonymousUser, referral_id: int | str, perm: Perm = Perm.REFERRAL_VIEW
) -> Referral:
    """Return the referral if ``user`` may act on it with ``perm``.

    Raises:
        NotFound: It does not exist, is not on the user's side, or the role lacks ``perm``.
    """
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise NotFound(_("Referral not found.")) from None
    if not -(2**63) <= pk < 2**63:
        raise NotFound(_("Referral not found."))
    found = (
        scoped_referrals(user, perm)
        .select_related("service", "to_agency", "from_commune", "from_province", "sent_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("Referral not found."))
    return found
