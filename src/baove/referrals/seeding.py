"""Bulk-load synthetic referrals over the cases of a seeded database (benchmarks, demos).

Like :mod:`baove.registry.seeding`: ids are allocated here, SQLite gets ``executemany``
and PostgreSQL ``COPY``, and the secondary indexes are dropped during a large load and built
again at the end. The service directory must exist (referrals go to services covering the
case's province, or national ones). Run it while nobody else writes to the referrals table.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from baove.referrals.actions import response_hours
from baove.referrals.models import Referral
from baove.referrals.vocab import ReferralStatus, Urgency
from baove.registry.seeding import _bulk_pragmas, _finish, _SecondaryIndexes
from baove.services.models import Service, ServiceArea
from baove.services.vocab import CoverageLevel

COLUMNS = (
    "id", "reference", "case_id", "child_id", "service_id", "to_agency_id", "from_province_id",
    "from_commune_id", "sent_by_id", "urgency", "status", "is_open", "reason", "shared_fields",
    "shared", "consent_override_reason", "sent_at", "respond_by", "first_response_at",
    "accepted_at", "declined_at", "decline_reason", "delivered_at", "delivery_outcome",
    "delivery_note", "closed_at", "withdrawn_at", "withdraw_reason", "overdue", "updated_at",
    "version",
)  # fmt: skip
_TIMES = {"sent_at", "respond_by", "first_response_at", "accepted_at", "declined_at",
          "delivered_at", "closed_at", "withdrawn_at", "updated_at"}  # fmt: skip
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_REASONS = ("Trẻ cần hỗ trợ tâm lý.", "Cần khám sức khỏe.", "Gia đình cần trợ giúp pháp lý.",
            "Trẻ bỏ học, cần hỗ trợ quay lại trường.")  # fmt: skip


# Cumulative shares of the states of answered referrals: recent (two weeks) and older ones.
_RECENT = ((0.5, ReferralStatus.ACCEPTED), (0.65, ReferralStatus.DECLINED),
           (1.0, ReferralStatus.DELIVERED))  # fmt: skip
_OLDER = ((0.62, ReferralStatus.CLOSED), (0.77, ReferralStatus.DECLINED),
          (0.82, ReferralStatus.WITHDRAWN), (0.92, ReferralStatus.DELIVERED),
          (1.0, ReferralStatus.ACCEPTED))  # fmt: skip


def _pick(table: tuple[tuple[float, ReferralStatus], ...], p: float) -> ReferralStatus:
    return next((status for limit, status in table if p < limit), table[-1][1])


@dataclass
class ReferralSeedResult:
    """What :func:`seed_referrals` loaded."""

    referrals: int = 0
    waiting: int = 0
    seconds: float = 0.0


def _targets() -> dict[str, list[tuple[int, int]]]:
    """province -> [(service id, agency id)] of open services taking referrals there."""
    open_services = Service.objects.filter(is_active=True, accepts_referrals=True)
    national = list(
        open_services.filter(coverage_level=CoverageLevel.NATIONAL).values_list("id", "agency_id")
    )
    by_province: dict[str, list[tuple[int, int]]] = defaultdict(lambda: list(national))
    rows = ServiceArea.objects.filter(
        service__in=open_services, province__isnull=False
    ).values_list("province_id", "service_id", "service__agency_id")
    for province, sid, aid in rows:
        by_province[province].append((sid, aid))
    if not national and not by_province:
        raise RuntimeError("no open services: seed the service directory first")
    return by_province


def seed_referrals(
    n: int,
    *,
    seed: int = 7,
    batch_size: int = 100_000,
    now: dt.datetime | None = None,
    rebuild_indexes: bool | None = None,
) -> ReferralSeedResult:
    """Insert ``n`` referrals spread over the existing cases, in realistic states.

    Sent over the last year: most older referrals are answered and finished, a small
    backlog was never answered; recent ones are waiting, accepted or delivered. Nothing is
    flagged overdue yet (that is the scan's job).
    """
    started = time.perf_counter()
    now = now or timezone.now()
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    vendor = connection.vendor
    rng = random.Random(seed)
    targets = _targets()
    cases = list(
        Referral._meta.apps.get_model("cases", "Case")
        .objects.order_by("id")
        .values_list("id", "child_id", "province_id", "commune_id", "owner_id")
    )
    if not cases:
        raise RuntimeError("no cases: seed cases first")
    hours = response_hours()
    urgencies = [Urgency.EMERGENCY, Urgency.URGENT, Urgency.ROUTINE]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {Referral._meta.db_table}")  # noqa: S608
        next_id = int(cursor.fetchone()[0])
    qn = connection.ops.quote_name
    table = qn(Referral._meta.db_table)
    cols = ", ".join(qn(c) for c in COLUMNS)
    result = ReferralSeedResult()

    def when(value: dt.datetime | None) -> object:
        if value is None or vendor != "sqlite":
            return value
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")

    def row(pk: int) -> tuple[object, ...]:
        case_id, child_id, province, commune, owner = cases[rng.randrange(len(cases))]
        options = targets.get(province) or targets[""]
        service_id, agency_id = options[rng.randrange(len(options))]
        urgency = urgencies[rng.choices((0, 1, 2), (1, 3, 6))[0]]
        age = dt.timedelta(seconds=rng.randrange(365 * 86400))
        sent = now - age
        due = sent + dt.timedelta(hours=hours[urgency])
        answer = sent + dt.timedelta(hours=rng.uniform(0.5, hours[urgency] * 1.5))
        t: dict[str, dt.datetime | None] = dict.fromkeys(_TIMES)
        t["sent_at"], t["respond_by"] = sent, due
        p = rng.random()
        if answer > now or (age > dt.timedelta(days=14) and p < 0.02):
            status = ReferralStatus.SENT  # waiting, or an old backlog never answered
        elif age < dt.timedelta(days=14):
            status = _pick(_RECENT, p)
        else:
            status = _pick(_OLDER, p)
        if status != ReferralStatus.SENT and status != ReferralStatus.WITHDRAWN:
            t["first_response_at"] = answer
        if status in (ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED, ReferralStatus.CLOSED):
            t["accepted_at"] = answer
        if status == ReferralStatus.DECLINED:
            t["declined_at"] = answer
        if status in (ReferralStatus.DELIVERED, ReferralStatus.CLOSED):
            t["delivered_at"] = min(now, answer + dt.timedelta(days=rng.randint(1, 10)))
        if status == ReferralStatus.CLOSED:
            t["closed_at"] = min(now, (t["delivered_at"] or now) + dt.timedelta(days=2))
        if status == ReferralStatus.WITHDRAWN:
            t["withdrawn_at"] = min(now, sent + dt.timedelta(days=3))
        t["updated_at"] = max(v for v in t.values() if v is not None)
        is_open = status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.DELIVERED)
        if status == ReferralStatus.SENT and is_open:
            result.waiting += 1
        suffix = "".join(rng.choice(_ALPHABET) for _ in range(7))
        reference = f"R{province}-{sent:%y}-{suffix}{pk:x}"
        reason = _REASONS[pk % len(_REASONS)]
        values = {
            "id": pk, "reference": reference, "case_id": case_id, "child_id": child_id,
            "service_id": service_id, "to_agency_id": agency_id, "from_province_id": province,
            "from_commune_id": commune, "sent_by_id": owner, "urgency": urgency.value,
            "status": status.value, "is_open": is_open, "reason": reason,
            "shared_fields": json.dumps(["age", "sex", "reason"]),
            "shared": json.dumps({"age": 10, "sex": "F", "reason": reason}, ensure_ascii=False),
            "consent_override_reason": "", "decline_reason": "", "delivery_outcome": (
                "completed" if t["delivered_at"] else ""), "delivery_note": "",
            "withdraw_reason": "", "overdue": False, "version": 1,
        }  # fmt: skip
        values.update({k: when(v) for k, v in t.items()})
        return tuple(values[c] for c in COLUMNS)

    if rebuild_indexes is None:
        rebuild_indexes = n >= 100_000 and not connection.in_atomic_block
    secondary = _SecondaryIndexes(connection, [Referral._meta.db_table])
    _bulk_pragmas(connection, on=True)
    try:
        if rebuild_indexes:
            with transaction.atomic():
                secondary.drop()
        done = 0
        while done < n:
            size = min(batch_size, n - done)
            rows = [row(next_id + i) for i in range(size)]
            with transaction.atomic():
                raw = connection.connection
                assert raw is not None
                cursor = raw.cursor()
                try:
                    if vendor == "postgresql":
                        with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                            for r in rows:
                                copy.write_row(r)
                    else:
                        marks = ", ".join("?" for _ in COLUMNS)
                        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
                finally:
                    cursor.close()
            next_id += size
            done += size
    finally:
        _bulk_pragmas(connection, on=False)
        if rebuild_indexes:
            with transaction.atomic():
                secondary.restore()
    _finish(connection, [Referral])
    result.referrals = n
    result.seconds = round(time.perf_counter() - started, 3)
    return result
