"""Referral metrics per province and per agency, for managers, analysts and the indicators.

Over a period of sending dates: referrals sent, accepted, completed (service delivered,
whether or not closed since), median hours to the first answer, and the share that went
overdue (answered after the deadline, or still unanswered past it). Counts below
``BAOVE_MIN_CELL`` are suppressed for analysts (national aggregates); a manager sees the
figures of their own province, whose referrals they can read anyway.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from baove.accounts.roles import Perm, Scope, require, scope_of
from baove.referrals.models import Referral

if TYPE_CHECKING:
    from baove.accounts.models import User

GROUPS = {"province": "from_province_id", "agency": "to_agency_id"}


@dataclass
class MetricRow:
    """The metrics of one province or agency; None where a small cell is suppressed."""

    key: str
    sent: int | None
    accepted: int | None
    completed: int | None
    median_response_hours: float | None
    share_overdue: float | None
    suppressed: bool = False


def _hours_sql() -> str:
    if connection.vendor == "postgresql":
        return "EXTRACT(EPOCH FROM (first_response_at - sent_at)) / 3600.0"
    return "(julianday(first_response_at) - julianday(sent_at)) * 24.0"


def compute(
    *,
    by: str = "province",
    start: dt.datetime,
    end: dt.datetime,
    province: str | None = None,
    suppress: bool = False,
) -> list[MetricRow]:
    """Compute the metrics for referrals sent in ``[start, end)`` (no permission check).

    For other apps (indicators, dashboards): the caller decides who sees the result.

    Args:
        by: ``province`` (the sending province) or ``agency`` (the receiving agency).
        start: First sending time counted (aware).
        end: End of the period, excluded (aware).
        province: Only referrals sent from this province.
        suppress: Hide every figure of a row with fewer than ``BAOVE_MIN_CELL`` referrals.
    """
    column = GROUPS.get(by)
    if column is None:
        raise ValueError(by)
    qn = connection.ops.quote_name
    table = qn(Referral._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    args: list[Any] = [
        now,
        connection.ops.adapt_datetimefield_value(start),
        connection.ops.adapt_datetimefield_value(end),
    ]
    where = "sent_at >= %s AND sent_at < %s"
    if province:
        where += " AND from_province_id = %s"
        args.append(province)
    late = (
        "CASE WHEN (first_response_at IS NOT NULL AND first_response_at > respond_by) "
        "OR (first_response_at IS NULL AND is_open AND respond_by < %s) THEN 1 ELSE 0 END"
    )
    sql = (
        f"SELECT {column}, COUNT(*), COUNT(accepted_at), COUNT(delivered_at), SUM({late}) "  # noqa: S608
        f"FROM {table} WHERE {where} GROUP BY {column}"
    )
    hours_sql = (
        f"SELECT {column}, {_hours_sql()} FROM {table} "  # noqa: S608
        f"WHERE {where} AND first_response_at IS NOT NULL"
    )
    hours: dict[str, list[float]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        counts = cursor.fetchall()
        cursor.execute(hours_sql, args[1:])
        for key, value in cursor.fetchall():
            hours[str(key)].append(float(value))
    threshold = settings.BAOVE_MIN_CELL
    rows: list[MetricRow] = []
    for key, sent, accepted, completed, overdue in sorted(counts, key=lambda r: str(r[0])):
        k = str(key)
        if suppress and sent < threshold:
            rows.append(MetricRow(k, None, None, None, None, None, suppressed=True))
            continue
        median = round(statistics.median(hours[k]), 1) if hours[k] else None
        rows.append(
            MetricRow(k, sent, accepted, completed, median, round(int(overdue or 0) / sent, 3))
        )
    return rows


def metrics_for(
    user: User, *, by: str = "province", start: dt.datetime, end: dt.datetime
) -> list[MetricRow]:
    """Return the metrics ``user`` may see: managers their province, analysts the nation.

    Raises:
        ActionNotAllowed: The role has no ``STATS_VIEW``.
    """
    require(user, Perm.STATS_VIEW)
    scope = scope_of(user)
    if scope is Scope.PROVINCE:
        if not user.province_id:
            return []
        return compute(by=by, start=start, end=end, province=user.province_id)
    return compute(by=by, start=start, end=end, suppress=True)
