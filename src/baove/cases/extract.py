"""Export our case management data as an administrative extract (for the indicators).

The extract follows :mod:`baove.indicators.admin.schema`: Parquet files with no names, no
ID numbers, no addresses and no free text. Children and cases get pseudonymous ids (a keyed
hash of the database id with the site's secret key: the same child gets the same id in every
extract of this installation, so extracts can be compared over time, and nobody without the
key can go back to the record). Birth dates are cut to year and month. Placements and
referrals are not recorded in the database yet, so their tables are written empty (with
their columns). Rows are streamed from the database in batches, never as model instances.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.utils import timezone
from django.utils.crypto import salted_hmac

from baove.audit.log import record
from baove.cases.models import Case, CaseCategory
from baove.registry.models import Child

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from baove.accounts.models import User

BATCH = 50_000
_SALT = "baove.cases.extract.pseudonym"
_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "children": pa.schema(
        [
            ("child_id", pa.string()),
            ("sex", pa.string()),
            ("birth_year", pa.int32()),
            ("birth_month", pa.int32()),
            ("province", pa.string()),
            ("commune", pa.string()),
        ]
    ),
    "cases": pa.schema(
        [
            ("case_id", pa.string()),
            ("child_id", pa.string()),
            ("province", pa.string()),
            ("commune", pa.string()),
            ("reported_at", _TS),
            ("closed_at", _TS),
            ("risk_level", pa.string()),
        ]
    ),
    "case_categories": pa.schema([("case_id", pa.string()), ("category", pa.string())]),
    "placements": pa.schema(
        [
            ("placement_id", pa.string()),
            ("child_id", pa.string()),
            ("province", pa.string()),
            ("care_type", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
        ]
    ),
    "referrals": pa.schema(
        [
            ("referral_id", pa.string()),
            ("case_id", pa.string()),
            ("province", pa.string()),
            ("sent_at", _TS),
            ("due_at", _TS),
            ("first_response_at", _TS),
            ("completed_at", _TS),
        ]
    ),
    "population": pa.schema(
        [
            ("province", pa.string()),
            ("year", pa.int32()),
            ("sex", pa.string()),
            ("age", pa.int32()),
            ("population", pa.float64()),
        ]
    ),
}


def pseudonym(kind: str, pk: int) -> str:
    """Return the pseudonymous id of database row ``pk`` of ``kind`` (``child``, ``case``,
    ``placement``)."""
    return salted_hmac(_SALT, f"{kind}:{pk}", algorithm="sha256").hexdigest()[:24]


def _batches(rows: Iterable[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(path: Path, schema: pa.Schema, rows: Iterable[tuple[Any, ...]]) -> int:
    """Stream ``rows`` (tuples in schema order) to a Parquet file; return the row count."""
    n = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(rows):
            columns = list(zip(*batch, strict=True))
            arrays = [pa.array(col, type=f.type) for col, f in zip(columns, schema, strict=True)]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            n += len(batch)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def _children() -> Iterator[tuple[Any, ...]]:
    rows = Child.objects.order_by("pk").values_list(
        "pk", "sex", "birth_date", "province_id", "commune_id"
    )
    for pk, sex, birth, province, commune in rows.iterator(chunk_size=BATCH):
        yield (pseudonym("child", pk), sex, birth.year, birth.month, province, commune)


def _cases() -> Iterator[tuple[Any, ...]]:
    rows = Case.objects.order_by("pk").values_list(
        "pk", "child_id", "province_id", "commune_id", "reported_at", "closed_at", "risk_level"
    )
    for pk, child, province, commune, reported, closed, risk in rows.iterator(chunk_size=BATCH):
        yield (
            pseudonym("case", pk),
            pseudonym("child", child),
            province,
            commune,
            reported,
            closed,
            risk or None,
        )


def _categories() -> Iterator[tuple[Any, ...]]:
    rows = CaseCategory.objects.order_by("case_id", "code").values_list("case_id", "code")
    for case, code in rows.iterator(chunk_size=BATCH):
        yield (pseudonym("case", case), code)


def _placements() -> Iterator[tuple[Any, ...]]:
    # Imported here: the placements app depends on cases, not the other way round.
    from baove.placements.models import Placement
    from baove.placements.vocab import EXTRACT_CARE_TYPE, PlacementStatus, PlacementType

    rows = (
        Placement.objects.filter(status__in=[PlacementStatus.ACTIVE, PlacementStatus.ENDED])
        .exclude(placement_type=PlacementType.PARENTS)
        .order_by("pk")
        .values_list(
            "pk",
            "child_id",
            "province_id",
            "placement_type",
            "facility_type",
            "start_date",
            "end_date",
        )
    )
    for pk, child, province, kind, facility, start, end in rows.iterator(chunk_size=BATCH):
        care = facility if kind == PlacementType.RESIDENTIAL else EXTRACT_CARE_TYPE[kind]
        yield (pseudonym("placement", pk), pseudonym("child", child), province, care, start, end)


def _referrals() -> Iterator[tuple[Any, ...]]:
    # Imported here: the referrals app depends on cases, not the other way round.
    from baove.referrals.models import Referral

    rows = Referral.objects.order_by("pk").values_list(
        "pk",
        "case_id",
        "from_province_id",
        "sent_at",
        "respond_by",
        "first_response_at",
        "delivered_at",
    )
    for pk, case, province, sent, due, first, delivered in rows.iterator(chunk_size=BATCH):
        yield (pseudonym("referral", pk), pseudonym("case", case), province, sent, due, first,
               delivered)  # fmt: skip


def write_admin_extract(
    out: Path,
    *,
    acting_user: User | AnonymousUser | None = None,
    population: Path | None = None,
) -> dict[str, int]:
    """Write the administrative extract of this installation to the folder ``out``.

    Args:
        out: Folder for ``children.parquet``, ``cases.parquet``, ``case_categories.parquet``,
            ``placements.parquet``, ``referrals.parquet``, ``population.parquet`` and
            ``extract.json`` (created; files are replaced).
        acting_user: Who asked for it (recorded in the audit log; None for the system).
        population: An imported population table (Parquet) to include; without it the
            population table is written empty and the rates come out empty.

    Returns:
        Rows written per table. One ``indicators.admin_extract`` audit event is recorded.
    """
    out.mkdir(parents=True, exist_ok=True)
    extracted_at = timezone.now()
    counts = {
        "children": _write(out / "children.parquet", SCHEMAS["children"], _children()),
        "cases": _write(out / "cases.parquet", SCHEMAS["cases"], _cases()),
        "case_categories": _write(
            out / "case_categories.parquet", SCHEMAS["case_categories"], _categories()
        ),
        "placements": _write(out / "placements.parquet", SCHEMAS["placements"], _placements()),
        "referrals": _write(out / "referrals.parquet", SCHEMAS["referrals"], _referrals()),
    }
    if population is not None:
        shutil.copyfile(population, out / "population.parquet")
        counts["population"] = pq.ParquetFile(out / "population.parquet").metadata.num_rows
    else:
        counts["population"] = _write(out / "population.parquet", SCHEMAS["population"], [])
    manifest = {
        "extracted_at": extracted_at.astimezone(dt.UTC).isoformat(),
        "source": "baove case management",
        "rows": counts,
    }
    (out / "extract.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    record(
        acting_user,
        "indicators.admin_extract",
        object_type="extract",
        details={"rows": counts, "extracted_at": manifest["extracted_at"]},
    )
    return counts
