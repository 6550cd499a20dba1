"""Bulk-load synthetic data from :mod:`baove.synth` into the database, fast.

PostgreSQL gets ``COPY``; SQLite gets ``executemany`` with bulk-load PRAGMAs. Ids are
allocated here (from the current ``MAX(id) + 1`` of each table), so rows reference each
other without a round-trip; the id sequences are reset afterwards so later ORM inserts do
not collide. Every case gets an owner: the user given for its commune, else the commune
officer ``officer.<commune code>`` (reused when it exists, created in bulk otherwise).

Run it while nobody else writes to these tables: ids are taken from ``MAX(id)``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from baove.accounts.models import User
from baove.accounts.roles import Role
from baove.audit.log import record
from baove.cases.models import Approval, Case, CaseCategory, CaseNote, Consent
from baove.geo.models import Commune
from baove.registry.models import Caregiver, Child, ChildCaregiver, Household
from baove.synth import COLUMNS, TABLE_ORDER, Batch, IdStart, iter_batches

__all__ = ["MODELS", "SeedResult", "seed"]

#: The model each kind of generated row goes into.
MODELS: dict[str, type[models.Model]] = {
    "households": Household,
    "caregivers": Caregiver,
    "children": Child,
    "child_caregivers": ChildCaregiver,
    "cases": Case,
    "case_categories": CaseCategory,
    "consents": Consent,
    "notes": CaseNote,
    "approvals": Approval,
}

OFFICER_PREFIX = "officer."


@dataclass(slots=True)
class SeedResult:
    """What a :func:`seed` run loaded, and how long it took."""

    cases: int = 0
    children: int = 0
    households: int = 0
    caregivers: int = 0
    child_caregivers: int = 0
    case_categories: int = 0
    consents: int = 0
    notes: int = 0
    approvals: int = 0
    users_created: int = 0
    seconds: float = 0.0
    vendor: str = ""
    batches: int = field(default=0, repr=False)

    @property
    def rows(self) -> int:
        """Total rows inserted (users included)."""
        return sum(int(getattr(self, name)) for name in TABLE_ORDER) + self.users_created

    def counts(self) -> dict[str, int]:
        """Return the row counts by kind (and ``users_created``)."""
        out = {name: int(getattr(self, name)) for name in TABLE_ORDER}
        out["users_created"] = self.users_created
        return out

    def as_dict(self) -> dict[str, Any]:
        """Return every field, for JSON output."""
        return asdict(self)


class TextOut(Protocol):
    """Anything with a ``write(str)`` method (a file, ``sys.stdout``, a command's stdout)."""

    def write(self, text: str, /) -> object: ...


class _Writer:
    """Writes the rows of one kind into its table, the fastest way the vendor allows."""

    def __init__(self, connection: BaseDatabaseWrapper, name: str) -> None:
        model = MODELS[name]
        self.name = name
        self.table = model._meta.db_table
        by_column = {f.column: f for f in model._meta.concrete_fields}
        columns = COLUMNS[name]
        unknown = [c for c in columns if c not in by_column]
        if unknown:
            raise RuntimeError(f"{self.table} has no column(s) {', '.join(unknown)}")
        fields = [by_column[c] for c in columns]
        self.json_cols = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        qn = connection.ops.quote_name
        self.column_sql = ", ".join(qn(c) for c in columns)
        if connection.vendor == "sqlite":
            # Datetimes arrive as ISO text with "+00:00"; datetime() stores them the way
            # Django does (naive UTC, "YYYY-MM-DD HH:MM:SS"; generated times are whole
            # seconds).
            marks = ", ".join(
                "datetime(?)" if isinstance(f, models.DateTimeField) else "?" for f in fields
            )
            self.sql = f"INSERT INTO {qn(self.table)} ({self.column_sql}) VALUES ({marks})"  # noqa: S608
        else:
            self.sql = f"COPY {qn(self.table)} ({self.column_sql}) FROM STDIN"

    def prepare(self, rows: list[tuple[object, ...]]) -> Iterable[tuple[object, ...]]:
        if not self.json_cols:
            return rows
        cols = set(self.json_cols)
        return [
            tuple(json.dumps(v, ensure_ascii=False) if i in cols else v for i, v in enumerate(r))
            for r in rows
        ]

    def write_sqlite(self, raw_cursor: Any, rows: list[tuple[object, ...]]) -> None:
        if rows:
            raw_cursor.executemany(self.sql, self.prepare(rows))

    def write_postgresql(self, raw_cursor: Any, rows: list[tuple[object, ...]]) -> None:
        if not rows:
            return
        with raw_cursor.copy(self.sql) as copy:
            write = copy.write_row
            for row in self.prepare(rows):
                write(row)


class _Owners:
    """Finds or allocates the owner of each commune's cases."""

    def __init__(self, given: dict[str, int] | None, next_user_id: int) -> None:
        self.given = dict(given or {})
        self.existing: dict[str, int] = {}
        prefix_len = len(OFFICER_PREFIX)
        for username, pk in User.objects.filter(username__startswith=OFFICER_PREFIX).values_list(
            "username", "id"
        ):
            self.existing[username[prefix_len:]] = pk
        self.next_id = next_user_id
        self.pending: list[str] = []  # communes whose officer is still to be inserted
        self.created = 0

    def __call__(self, commune: str) -> int:
        if commune in self.given:
            return self.given[commune]
        if commune in self.existing:
            return self.existing[commune]
        pk = self.next_id
        self.next_id += 1
        self.existing[commune] = pk
        self.pending.append(commune)
        return pk

    def flush(self, communes: dict[str, tuple[str, str]], now: dt.datetime) -> None:
        """Insert the officers allocated since the last flush (before their cases)."""
        if not self.pending:
            return
        users = []
        for code in self.pending:
            province, name = communes[code]
            users.append(
                User(
                    id=self.existing[code],
                    username=f"{OFFICER_PREFIX}{code}",
                    password=make_password(None),
                    role=Role.COMMUNE_OFFICER,
                    commune_id=code,
                    province_id=province,
                    first_name="Cán bộ BVTE",
                    last_name=name,
                    is_active=True,
                    date_joined=now,
                )
            )
        User.objects.bulk_create(users, batch_size=500)
        self.created += len(users)
        self.pending = []


def _next_ids(connection: BaseDatabaseWrapper) -> tuple[IdStart, int]:
    qn = connection.ops.quote_name
    start = IdStart()
    with connection.cursor() as cursor:
        for name in TABLE_ORDER:
            table = MODELS[name]._meta.db_table
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {qn(table)}")  # noqa: S608
            setattr(start, name, int(cursor.fetchone()[0]))
        cursor.execute(
            f"SELECT COALESCE(MAX(id), 0) + 1 FROM {qn(User._meta.db_table)}"  # noqa: S608
        )
        next_user = int(cursor.fetchone()[0])
    return start, next_user


def _taken(start: IdStart) -> tuple[set[str], set[str]]:
    """ID numbers and case references already in the database (empty on a fresh one)."""
    numbers: set[str] = set()
    references: set[str] = set()
    if start.children > 1 or start.caregivers > 1:
        numbers.update(
            n
            for n in Child.objects.exclude(id_number=None)
            .values_list("id_number", flat=True)
            .iterator()
            if n
        )
        numbers.update(
            Caregiver.objects.exclude(id_number="").values_list("id_number", flat=True).iterator()
        )
    if start.cases > 1:
        references.update(Case.objects.values_list("reference", flat=True).iterator())
    return numbers, references


def _bulk_pragmas(connection: BaseDatabaseWrapper, on: bool) -> None:
    """Switch SQLite to bulk-load settings and back (only outside a transaction)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if on:
            # Rows reference each other by ids allocated here; checking every reference
            # row by row costs more than the load (tests run foreign_key_check instead).
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
            cursor.execute("PRAGMA temp_store = MEMORY")
        else:
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.execute("PRAGMA temp_store = DEFAULT")
            cursor.execute("PRAGMA foreign_keys = ON")


class _SecondaryIndexes:
    """Drops the non-unique indexes (and, on PostgreSQL, the foreign keys) of the loaded
    tables and builds them again afterwards: one sort per index instead of millions of
    random inserts, and one join per foreign key instead of a trigger per row.

    Primary keys and unique constraints stay, so duplicates are still refused during the
    load. Meant for large loads: while it runs, other sessions see the tables without them.
    """

    def __init__(self, connection: BaseDatabaseWrapper, tables: list[str]) -> None:
        self.connection = connection
        self.tables = tables
        self.indexes: list[tuple[str, str]] = []  # (name, CREATE INDEX statement)
        self.foreign_keys: list[tuple[str, str, str]] = []  # (table, name, definition)

    def drop(self) -> None:
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            for table in self.tables:
                if self.connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                        [table],
                    )
                    self.foreign_keys += [(table, n, d) for n, d in cursor.fetchall()]
                    cursor.execute(
                        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                        " JOIN pg_class c ON c.oid = i.indexrelid"
                        " WHERE i.indrelid = %s::regclass AND NOT i.indisunique"
                        " AND NOT i.indisprimary AND NOT EXISTS"
                        " (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
                        " ORDER BY c.relname",
                        [table],
                    )
                else:
                    cursor.execute(
                        "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                        " AND tbl_name = %s AND sql IS NOT NULL"
                        " AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                        [table],
                    )
                self.indexes += [(n, d) for n, d in cursor.fetchall()]
            for table, name, _ in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {qn(name)}")

    def restore(self) -> None:
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, create in self.indexes:
                cursor.execute(create)
            for table, name, definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
            if self.connection.vendor == "postgresql":
                cursor.execute("RESET maintenance_work_mem")
        self.indexes, self.foreign_keys = [], []


def _finish(connection: BaseDatabaseWrapper, touched: list[type[models.Model]]) -> None:
    """Reset id sequences (PostgreSQL) and refresh the planner statistics."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), touched):
            cursor.execute(sql)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")
            for model in touched:
                cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
            if not connection.in_atomic_block:
                # Fold the write-ahead log back into the database file and truncate it.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for model in touched:
                cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")


def seed(
    n_cases: int,
    *,
    seed: int = 42,
    focus_communes: list[str] | None = None,
    focus_share: float = 0.0,
    owner_for_commune: dict[str, int] | None = None,
    stdout: TextOut | None = None,
    batch_size: int = 50_000,
    rebuild_indexes: bool | None = None,
) -> SeedResult:
    """Generate ``n_cases`` cases with their children, households and caregivers and load them.

    Args:
        n_cases: How many cases to add.
        seed: Seed of the generator. On a database that already holds cases the seed is
            mixed with the current largest case id, so a second run adds different people.
        focus_communes: Communes that get ``focus_share`` of the households.
        focus_share: Share (0-1) of the households placed in ``focus_communes``.
        owner_for_commune: Owner user id for the cases of a commune; communes not in it get
            their commune officer ``officer.<code>`` (created when missing).
        stdout: Where to print progress, if anywhere.
        batch_size: Cases per batch (one transaction each).
        rebuild_indexes: Drop the secondary indexes (and PostgreSQL's foreign keys) during
            the load and build them again at the end. By default only for a large load
            (at least 20,000 cases, and at least as many as the database already holds)
            outside a transaction.

    Returns:
        The row counts and the elapsed seconds.

    Raises:
        RuntimeError: If the geography tables are empty.
    """
    started = time.perf_counter()
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in ("sqlite", "postgresql"):
        raise RuntimeError(f"bulk seeding supports SQLite and PostgreSQL, not {connection.vendor}")
    connection.ensure_connection()
    commune_info: dict[str, tuple[str, str]] = {
        code: (province, name)
        for code, province, name in Commune.objects.order_by("code").values_list(
            "code", "province_id", "name"
        )
    }
    if not commune_info:
        raise RuntimeError("no communes: run the migrations (they load the geography) first")
    pairs = [(code, province) for code, (province, _) in commune_info.items()]
    start, next_user = _next_ids(connection)
    numbers, references = _taken(start)
    run_seed = seed if start.cases == 1 else seed * 1_000_003 + start.cases
    owners = _Owners(owner_for_commune, next_user)
    now = timezone.now()
    writers = {name: _Writer(connection, name) for name in TABLE_ORDER}
    result = SeedResult(vendor=connection.vendor)

    if rebuild_indexes is None:
        rebuild_indexes = (
            n_cases >= 20_000 and n_cases >= start.cases - 1 and not connection.in_atomic_block
        )
    secondary = _SecondaryIndexes(connection, [m._meta.db_table for m in MODELS.values()])
    _bulk_pragmas(connection, on=True)
    try:
        if rebuild_indexes:
            with transaction.atomic():
                secondary.drop()
        for batch in iter_batches(
            n_cases,
            pairs,
            seed=run_seed,
            batch_size=batch_size,
            now=now,
            focus_communes=focus_communes,
            focus_share=focus_share,
            owner_of=owners,
            ids=start,
            taken_id_numbers=numbers,
            taken_references=references,
        ):
            with transaction.atomic():
                owners.flush(commune_info, now)
                _write_batch(connection, writers, batch)
            for name, count in batch.counts().items():
                setattr(result, name, getattr(result, name) + count)
            result.batches += 1
            if stdout is not None:
                stdout.write(
                    f"  {result.cases:,}/{n_cases:,} cases"
                    f" ({time.perf_counter() - started:.1f} s)\n"
                )
    finally:
        _bulk_pragmas(connection, on=False)
        if rebuild_indexes:
            if stdout is not None:
                stdout.write(f"  building indexes ({time.perf_counter() - started:.1f} s)\n")
            with transaction.atomic():
                secondary.restore()
    result.users_created = owners.created
    touched: list[type[models.Model]] = [*MODELS.values(), User]
    _finish(connection, touched)
    result.seconds = round(time.perf_counter() - started, 3)
    record(
        None,
        "seed.bulk_load",
        details={**result.counts(), "seed": seed, "seconds": result.seconds},
    )
    return result


def _write_batch(
    connection: BaseDatabaseWrapper, writers: dict[str, _Writer], batch: Batch
) -> None:
    raw = connection.connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        for name in TABLE_ORDER:
            writer = writers[name]
            if connection.vendor == "postgresql":
                writer.write_postgresql(cursor, batch.rows(name))
            else:
                writer.write_sqlite(cursor, batch.rows(name))
    finally:
        cursor.close()
