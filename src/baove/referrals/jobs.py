"""The overdue scan: flag referrals whose first answer is late and notify both sides.

Set-based: one ``UPDATE ... WHERE`` flags every newly overdue referral with the id of this
run, and one ``INSERT ... SELECT`` per kind of recipient makes the notifications from the
rows that run flagged. The partial index ``ref_waiting`` holds only the referrals still
waiting for an answer, so the scan never reads the millions of answered or closed ones.

Running twice notifies once: a flagged referral no longer matches the ``NOT overdue``
condition, and notifications carry a unique key per recipient. Two processes scanning at
the same moment cannot both flag a row: the conditional UPDATE is atomic (PostgreSQL
re-checks the condition on rows another transaction changed; SQLite has one writer).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from baove.accounts.roles import Role
from baove.audit.log import record
from baove.notifications.models import Kind, Notification
from baove.referrals.models import Referral, ScanRun


@dataclass(frozen=True)
class ScanResult:
    """What one scan did."""

    run_id: int
    flagged: int
    notified: int
    seconds: float


def _json_params(vendor: str) -> str:
    if vendor == "postgresql":
        return "jsonb_build_object('reference', r.reference, 'referral_id', r.id)"
    return "json_object('reference', r.reference, 'referral_id', r.id)"


def _concat(vendor: str, *parts: str) -> str:
    if vendor == "postgresql":
        return "CONCAT(" + ", ".join(parts) + ")"
    return " || ".join(parts)


def scan_overdue(now: dt.datetime | None = None) -> ScanResult:
    """Flag the open referrals newly past their answer deadline and notify both sides.

    Args:
        now: The time to judge by (default: now); aware.

    Returns:
        The run id, how many referrals were flagged and how many notifications made.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    vendor = connection.vendor
    at = connection.ops.adapt_datetimefield_value(now)  # raw SQL: the ORM's own encoding
    qn = connection.ops.quote_name
    ref = qn(Referral._meta.db_table)
    notif = qn(Notification._meta.db_table)
    users = qn("accounts_user")
    cases = qn("cases_case")
    # The referral page URL, built in SQL from its prefix (".../0/" -> ".../" + id + "/").
    url_head, url_tail = reverse("referrals:detail", args=[0]).rsplit("0", 1)
    # PostgreSQL cannot infer the type of a bare placeholder inside CONCAT: say it is text.
    text_param = "%s" if vendor == "sqlite" else "CAST(%s AS TEXT)"
    url = _concat(vendor, text_param, "CAST(r.id AS TEXT)" if vendor == "sqlite" else "r.id",
                  text_param)  # fmt: skip
    key = _concat(vendor, "'referral:'", "CAST(r.id AS TEXT)" if vendor == "sqlite" else "r.id",
                  "':overdue'")  # fmt: skip
    params = _json_params(vendor)
    insert = (
        f"INSERT INTO {notif} (recipient_id, kind, params, url, {qn('key')}, created_at) "
        f"SELECT DISTINCT u.id, %s, {params}, {url}, {key}, %s "
    )
    with transaction.atomic():
        run = ScanRun.objects.create(started_at=now)
        with connection.cursor() as cursor:
            # The WHERE clause repeats the partial index's condition word for word (SQLite
            # uses a partial index only when the query implies its condition literally).
            cursor.execute(
                f"UPDATE {ref} SET overdue = %s, overdue_scan = %s "  # noqa: S608
                f'WHERE ("first_response_at" IS NULL AND "is_open" AND NOT "overdue") '
                "AND respond_by < %s",
                [True, run.pk, at],
            )
            flagged = cursor.rowcount
            notified = 0
            if flagged:
                # Placeholders of ``insert``: kind, URL head and tail, created_at.
                head: list[Any] = [Kind.REFERRAL_OVERDUE.value, url_head, url_tail, at]
                # The sending side: the sender and the case owner.
                cursor.execute(
                    insert + f"FROM {ref} r JOIN {cases} c ON c.id = r.case_id "
                    f"JOIN {users} u ON u.id IN (r.sent_by_id, c.owner_id) "
                    "WHERE r.overdue_scan = %s AND u.is_active "
                    "ON CONFLICT DO NOTHING",
                    [*head, run.pk],
                )
                notified += cursor.rowcount
                # The receiving agency's staff.
                cursor.execute(
                    insert + f"FROM {ref} r JOIN {users} u ON u.agency_id = r.to_agency_id "
                    "WHERE r.overdue_scan = %s AND u.is_active AND u.role = %s "
                    "ON CONFLICT DO NOTHING",
                    [*head, run.pk, Role.PROVIDER_STAFF.value],
                )
                notified += cursor.rowcount
        seconds = round(time.perf_counter() - started, 3)
        ScanRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), flagged=flagged, notified=notified
        )
        record(
            None,
            "referral.scan",
            object_type="scan",
            object_id=run.pk,
            details={"flagged": flagged, "notified": notified, "seconds": seconds},
        )
    return ScanResult(run.pk, flagged, notified, seconds)
