"""Loading a ``baove link run`` output into the index, indexing our registry, exporting labels.

:func:`import_run` reads ``clusters.parquet``, ``review.parquet`` and ``model.json`` from
an output folder, and the records themselves either from ``records.parquet`` in that folder
(standardised columns, as :func:`baove.linkage.model.prepare_records` returns them, plus
optional ``display_name`` and ``display_birth_date``) or by standardising the source files
again with the run's configuration (``baove link run`` does not write the records). Every
row is checked first; one bad row and nothing is written, and every bad row is reported
(file, row, column). The import is one transaction and one audit event.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from baove.audit.log import record
from baove.matching.models import (
    LinkageBatch,
    LinkedRecord,
    ReviewDecision,
    ReviewPair,
    ReviewStatus,
    TermFrequency,
)
from baove.matching.scoring import load_model
from baove.matching.standard import FIELDS, standard_fields

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = [
    "ImportFailed",
    "ImportSummary",
    "RowError",
    "export_labels",
    "import_run",
    "index_registry",
    "read_records",
]

REGISTRY_SOURCE = "baove"
_MAX = {
    "record_id": 200,
    "source": 60,
    "cluster_id": 200,
    "family_name": 60,
    "middle_name": 80,
    "given_name": 60,
    "family_name_canon": 60,
    "name_sorted": 200,
    "caregiver_name": 150,
    "display_name": 200,
    "display_birth_date": 40,
}
_BATCH = 2000


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an input file."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.message}"


class ImportFailed(ValueError):
    """The output cannot be imported; nothing was written. ``errors`` lists every problem."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s); first: {errors[0]}")
        self.errors = list(errors)


@dataclass
class ImportSummary:
    """What an import did."""

    batch_id: int
    records_created: int = 0
    records_updated: int = 0
    review_pairs_created: int = 0
    review_pairs_kept: int = 0
    term_frequencies: int = 0
    sources: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _display_from_originals(frame: pd.DataFrame, roles: Mapping[str, str]) -> pd.DataFrame:
    """Add ``display_name`` and ``display_birth_date`` from a source's original columns."""
    by_role: dict[str, str] = {}
    for column, role in roles.items():
        by_role.setdefault(role, column)

    def original(role: str) -> pd.Series:
        column = by_role.get(role)
        name = f"orig_{column}"
        if column is None or name not in frame.columns:
            return pd.Series([""] * len(frame), index=frame.index, dtype=object)
        values = frame[name].astype(object)
        return values.where(values.notna(), "").astype(str).str.strip()

    parts = [original(r) for r in ("family", "middle", "given")]
    joined = (parts[0] + " " + parts[1] + " " + parts[2]).str.split().str.join(" ")
    full = original("full_name")
    out = frame.copy()
    out["display_name"] = joined.where(joined != "", full)
    out["display_birth_date"] = original("birth_date")
    return out


def read_records(
    out_dir: Path, *, config: Path | None = None, sources: Sequence[Path] = ()
) -> pd.DataFrame:
    """Return the standardised records of a run, with display columns.

    Args:
        out_dir: The ``baove link run`` output folder.
        config: The run's TOML configuration (to standardise the sources again).
        sources: Source files, or folders whose files the configuration names.

    Raises:
        ImportFailed: No records file and no configuration, or a source problem.
    """
    records_file = out_dir / "records.parquet"
    if config is None:
        if not records_file.is_file():
            raise ImportFailed(
                [
                    RowError(
                        str(records_file),
                        None,
                        None,
                        "no records file: give --config and --sources to read the sources",
                    )
                ]
            )
        return pd.read_parquet(records_file)
    from baove.linkage.cli import InputError, standardise_sources
    from baove.linkage.config import ConfigError, load_config

    try:
        cfg = load_config(config)
        paths: list[Path] = []
        for item in sources or [cfg.base_dir / s.file for s in cfg.sources.values() if s.file]:
            if item.is_dir():
                names = {s.name for s in cfg.sources.values()}
                files = {s.file for s in cfg.sources.values() if s.file}
                paths += sorted(
                    p
                    for p in item.iterdir()
                    if p.is_file() and (p.stem in names or p.name in files)
                )
            else:
                paths.append(item)
        frames, _counts = standardise_sources(paths, cfg)
        by_source = {s.name: s.columns for s in cfg.sources.values()}
    except (ConfigError, InputError, OSError) as exc:
        raise ImportFailed([RowError(str(config), None, None, str(exc))]) from exc
    parts = []
    for frame in frames:
        name = str(frame["source"].iloc[0]) if len(frame) else ""
        parts.append(_display_from_originals(frame, by_source.get(name, {})))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def _int(value: Any) -> int | None:
    if _blank(value):
        return None
    return int(value)


def _candidates(value: Any) -> list[str]:
    if value is None or value is pd.NA:
        return []
    if isinstance(value, str):
        return [c for c in value.strip(",").split(",") if c]
    try:
        return [str(c) for c in list(value) if not _blank(c)]
    except TypeError:
        return []


def _check_record(
    row: Mapping[str, Any], index: int, name: str, errors: list[RowError]
) -> dict[str, Any] | None:
    def bad(column: str, message: str) -> None:
        errors.append(RowError(name, index, column, message))

    before = len(errors)
    out: dict[str, Any] = {}
    for column in ("family_name", "middle_name", "given_name", "family_name_canon",
                   "name_sorted", "caregiver_name", "display_name", "display_birth_date",
                   "birth_date", "birth_date_swapped", "birth_precision", "sex", "id_number",
                   "commune", "province", "phone"):  # fmt: skip
        out[column] = _text(row.get(column))
    record_id = _text(row.get("record_id"))
    source, sep, source_id = record_id.partition(":")
    if not sep or not source or not source_id:
        bad("record_id", "record ids are '<source>:<id>'")
    out["record_id"], out["source"], out["source_record_id"] = record_id, source, source_id[:140]
    if source == REGISTRY_SOURCE:
        bad("record_id", f"source '{REGISTRY_SOURCE}' is reserved for our own registry")
    for column, limit in _MAX.items():
        if len(out.get(column, "")) > limit:
            bad(column, f"longer than {limit} characters")
    for column in ("birth_year", "birth_month"):
        try:
            out[column] = _int(row.get(column))
        except (TypeError, ValueError):
            bad(column, "not a whole number")
            out[column] = None
    year, month = out["birth_year"], out["birth_month"]
    if year is not None and not 1900 <= year <= 2100:
        bad("birth_year", f"year {year} is out of range")
    if month is not None and not 1 <= month <= 12:
        bad("birth_month", f"month {month} is out of range")
    for column in ("birth_date", "birth_date_swapped"):
        if out[column]:
            try:
                dt.date.fromisoformat(out[column])
            except ValueError:
                bad(column, f"{out[column]!r} is not a YYYY-MM-DD date")
    if out["sex"] not in ("", "M", "F"):
        bad("sex", f"{out['sex']!r} is not M or F")
    if out["id_number"] and not (len(out["id_number"]) == 12 and out["id_number"].isdigit()):
        bad("id_number", "not a 12-digit number")
    if len(out["phone"]) > 11:
        bad("phone", "longer than 11 digits")
    candidates = _candidates(row.get("commune_candidates"))
    # Format only: the linkage tables may know a commune the geography app does not yet.
    for code in [out["commune"], *candidates]:
        if code and not (len(code) == 5 and code.isdigit()):
            bad("commune", f"{code!r} is not a 5-digit 2025 commune code")
    if out["province"] and not (len(out["province"]) == 2 and out["province"].isdigit()):
        bad("province", f"{out['province']!r} is not a 2-digit province code")
    out["commune_candidates"] = f",{','.join(candidates)}," if candidates else ""
    if len(out["commune_candidates"]) > 200:
        bad("commune_candidates", "too many candidate communes")
    if not out["display_name"]:
        parts = (out["family_name"], out["middle_name"], out["given_name"])
        out["display_name"] = " ".join(p for p in parts if p).title()
    if not out["display_birth_date"]:
        out["display_birth_date"] = out["birth_date"] or (str(year) if year else "")
    return out if len(errors) == before else None


def _read_parquet(path: Path, columns: Iterable[str], errors: list[RowError]) -> pd.DataFrame:
    if not path.is_file():
        errors.append(RowError(str(path), None, None, "no such file"))
        return pd.DataFrame()
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for a damaged file
        errors.append(RowError(str(path), None, None, f"not a readable Parquet file: {exc}"))
        return pd.DataFrame()
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        errors.append(RowError(str(path), None, None, f"missing columns: {', '.join(missing)}"))
        return pd.DataFrame()
    return frame


def import_run(
    out_dir: str | Path,
    *,
    records: pd.DataFrame | None = None,
    config: str | Path | None = None,
    sources: Sequence[str | Path] = (),
    acting_user: User | None = None,
) -> ImportSummary:
    """Import a ``baove link run`` output, all or nothing.

    Args:
        out_dir: The output folder (``clusters.parquet``, ``review.parquet``, ``model.json``).
        records: The standardised records, if already read (else see :func:`read_records`).
        config: The run's configuration, to standardise ``sources`` again.
        sources: Source files or folders.
        acting_user: Who imports (None: the system, from the command line).

    Returns:
        What was created and updated.

    Raises:
        ImportFailed: Every problem found (nothing written).
    """
    folder = Path(out_dir)
    errors: list[RowError] = []
    model_path = folder / "model.json"
    model: dict[str, Any] = {}
    try:
        model = json.loads(model_path.read_text(encoding="utf-8"))
        load_model(model)
    except (OSError, ValueError) as exc:
        errors.append(RowError(str(model_path), None, None, f"not a usable Splink model: {exc}"))
    if records is None:
        records = read_records(
            folder,
            config=Path(config) if config is not None else None,
            sources=[Path(s) for s in sources],
        )
    clusters = _read_parquet(folder / "clusters.parquet", ("record_id", "cluster_id"), errors)
    review = _read_parquet(
        folder / "review.parquet", ("record_id_l", "record_id_r", "match_probability"), errors
    )
    if errors:
        raise ImportFailed(errors)
    cluster_of = dict(
        zip(clusters["record_id"].astype(str), clusters["cluster_id"].astype(str), strict=True)
    )
    records_name = str(folder / "records.parquet") if config is None else "sources"
    rows: dict[str, dict[str, Any]] = {}
    for index, row in enumerate(records.to_dict("records")):
        checked = _check_record({str(k): v for k, v in row.items()}, index, records_name, errors)
        if checked is None:
            continue
        rid = checked["record_id"]
        if rid in rows:
            errors.append(RowError(records_name, index, "record_id", f"{rid!r} occurs twice"))
            continue
        cluster = cluster_of.get(rid)
        if cluster is None or len(cluster) > 200:
            errors.append(
                RowError(records_name, index, "record_id", f"{rid!r} is not in clusters.parquet")
            )
            continue
        checked["cluster_id"] = cluster
        rows[rid] = checked
    if not rows and not errors:
        errors.append(RowError(records_name, None, None, "no records"))
    missing_clusters = set(cluster_of) - set(rows)
    if missing_clusters and not errors:
        first = sorted(missing_clusters)[0]
        errors.append(
            RowError(
                str(folder / "clusters.parquet"), None, "record_id",
                f"{len(missing_clusters)} clustered record(s) have no record, e.g. {first!r}",
            )
        )  # fmt: skip
    pairs = _check_review(review, rows, str(folder / "review.parquet"), errors)
    if errors:
        raise ImportFailed(errors)
    return _write(folder, model, rows, pairs, acting_user)


def _check_review(
    review: pd.DataFrame, rows: Mapping[str, Any], name: str, errors: list[RowError]
) -> list[dict[str, Any]]:
    level_columns = [c for c in review.columns if c.endswith("_level")]
    known = set(rows)
    pairs = []
    for index, row in enumerate(review.to_dict("records")):
        left, right = _text(row.get("record_id_l")), _text(row.get("record_id_r"))
        problems = len(errors)
        for column, rid in (("record_id_l", left), ("record_id_r", right)):
            if rid not in known:
                errors.append(RowError(name, index, column, f"{rid!r} is not among the records"))
        try:
            probability = float(row["match_probability"])
        except (TypeError, ValueError):
            probability = math.nan
        if not 0.0 <= probability <= 1.0:
            errors.append(RowError(name, index, "match_probability", "not between 0 and 1"))
        if left == right:
            errors.append(RowError(name, index, "record_id_r", "a record paired with itself"))
        if len(errors) > problems:
            continue
        raw_weight: Any = row.get("match_weight")
        weight = (
            float(raw_weight)
            if not _blank(raw_weight)
            else math.log2(probability / (1 - probability))
            if 0 < probability < 1
            else 0.0
        )
        pairs.append(
            {
                "left": left,
                "right": right,
                "match_probability": probability,
                "match_weight": weight,
                "levels": {c[: -len("_level")]: _text(row.get(c)) for c in level_columns},
            }
        )
    return pairs


def _term_frequencies(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> list[Any]:
    # Splink's tables: count(value) / count(non-null values), over the records linked.
    counts: dict[str, dict[str, int]] = {c: {} for c in columns}
    for row in rows:
        for column in columns:
            value = row.get(column)
            if value:
                bucket = counts[column]
                bucket[value] = bucket.get(value, 0) + 1
    out = []
    for column, bucket in counts.items():
        total = sum(bucket.values())
        out += [
            TermFrequency(column=column, value=value[:200], frequency=n / total)
            for value, n in bucket.items()
        ]
    return out


_RECORD_FIELDS = ("source", "source_record_id", "cluster_id", "display_name",
                  "display_birth_date", *FIELDS)  # fmt: skip


def _write(
    folder: Path,
    model: dict[str, Any],
    rows: dict[str, dict[str, Any]],
    pairs: list[dict[str, Any]],
    acting_user: User | None,
) -> ImportSummary:
    tf_columns = load_model(model).tf_columns
    sources = sorted({r["source"] for r in rows.values()})
    with transaction.atomic():
        batch = LinkageBatch.objects.create(
            imported_at=timezone.now(),
            imported_by=acting_user,
            label=str(folder)[:300],
            model=model,
            sources=sources,
            counts={"records": len(rows), "review": len(pairs)},
        )
        summary = ImportSummary(batch_id=batch.pk, sources=sources)
        existing: dict[str, int] = {}
        wanted = list(rows)
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            existing.update(
                LinkedRecord.objects.filter(record_id__in=chunk).values_list("record_id", "pk")
            )
        new, changed = [], []
        for rid, values in rows.items():
            obj = LinkedRecord(record_id=rid, batch=batch, **{k: values[k] for k in _RECORD_FIELDS})
            if rid in existing:
                obj.pk = existing[rid]
                changed.append(obj)
            else:
                new.append(obj)
        LinkedRecord.objects.bulk_create(new, batch_size=_BATCH)
        LinkedRecord.objects.bulk_update(changed, ["batch", *_RECORD_FIELDS], batch_size=_BATCH)
        summary.records_created, summary.records_updated = len(new), len(changed)
        TermFrequency.objects.all().delete()
        frequencies = _term_frequencies(rows.values(), tf_columns)
        TermFrequency.objects.bulk_create(frequencies, batch_size=_BATCH)
        summary.term_frequencies = len(frequencies)
        ids: dict[str, int] = {}
        paired = sorted({p[k] for p in pairs for k in ("left", "right")})
        for start in range(0, len(paired), _BATCH):
            chunk = paired[start : start + _BATCH]
            ids.update(
                LinkedRecord.objects.filter(record_id__in=chunk).values_list("record_id", "pk")
            )
        _write_pairs(batch, pairs, ids, rows, summary)
        record(
            acting_user,
            "match.import",
            object_type="linkage_batch",
            object_id=batch.pk,
            details={
                "folder": str(folder)[:300],
                "sources": sources,
                "records_created": summary.records_created,
                "records_updated": summary.records_updated,
                "review_pairs_created": summary.review_pairs_created,
            },
        )
    return summary


def _write_pairs(
    batch: LinkageBatch,
    pairs: list[dict[str, Any]],
    ids: Mapping[str, int],
    rows: Mapping[str, Mapping[str, Any]],
    summary: ImportSummary,
) -> None:
    existing = {
        (left, right): (pk, status)
        for pk, left, right, status in ReviewPair.objects.filter(
            record_l_id__in=[ids[p["left"]] for p in pairs]
        ).values_list("pk", "record_l_id", "record_r_id", "status")
    }
    for pair in pairs:
        left, right = ids[pair["left"]], ids[pair["right"]]
        key = (left, right) if (left, right) in existing else (right, left)
        found = existing.get(key)
        fields = {
            "match_probability": pair["match_probability"],
            "match_weight": pair["match_weight"],
            "levels": pair["levels"],
            "batch": batch,
            "province_l": rows[pair["left"]]["province"],
            "province_r": rows[pair["right"]]["province"],
        }
        if found is None:
            ReviewPair.objects.create(record_l_id=left, record_r_id=right, **fields)
            summary.review_pairs_created += 1
        elif found[1] == ReviewStatus.PENDING:
            # Undecided: take the new scores. Decided pairs keep their decision.
            ReviewPair.objects.filter(pk=found[0]).update(**fields)
            summary.review_pairs_kept += 1
        else:
            summary.review_pairs_kept += 1


# --- our own registry as a source --------------------------------------------------------------


def index_registry(*, acting_user: User | None = None) -> ImportSummary:
    """Index every child of the registry as a linked record of source ``baove``.

    Children already indexed are refreshed (their cluster kept); new children get a
    cluster of their own until a batch run links them. One audit event.
    """
    from baove.registry.models import Child, ChildCaregiver

    primary = dict(
        ChildCaregiver.objects.filter(is_primary=True).values_list(
            "child_id", "caregiver__full_name"
        )
    )
    existing = dict(
        LinkedRecord.objects.filter(source=REGISTRY_SOURCE).values_list("child_id", "pk")
    )
    clusters = dict(
        LinkedRecord.objects.filter(source=REGISTRY_SOURCE).values_list("child_id", "cluster_id")
    )
    new, changed = [], []
    fields = ["cluster_id", "display_name", "display_birth_date", *FIELDS]
    children = Child.objects.only(
        "id", "family_name", "middle_name", "given_name", "birth_date", "sex", "id_number",
        "commune_id", "province_id",
    ).order_by("id")  # fmt: skip
    with transaction.atomic():
        for child in children.iterator(chunk_size=_BATCH):
            values = standard_fields(
                family=child.family_name,
                middle=child.middle_name,
                given=child.given_name,
                birth_date=child.birth_date,
                sex=child.sex,
                id_number=child.id_number or "",
                commune=child.commune_id,
                province=child.province_id,
                caregiver=primary.get(child.pk, ""),
            )
            values["caregiver_name"] = values["caregiver_name"][:150]
            rid = f"{REGISTRY_SOURCE}:{child.pk}"
            obj = LinkedRecord(
                record_id=rid,
                source=REGISTRY_SOURCE,
                source_record_id=str(child.pk),
                child_id=child.pk,
                cluster_id=clusters.get(child.pk, rid),
                display_name=child.full_name[:200],
                display_birth_date=child.birth_date.strftime("%d/%m/%Y"),
                **values,
            )
            if child.pk in existing:
                obj.pk = existing[child.pk]
                changed.append(obj)
            else:
                new.append(obj)
        LinkedRecord.objects.bulk_create(new, batch_size=_BATCH)
        LinkedRecord.objects.bulk_update(changed, fields, batch_size=_BATCH)
        record(
            acting_user,
            "match.index_registry",
            object_type="linked_record",
            details={"created": len(new), "updated": len(changed)},
        )
    return ImportSummary(
        batch_id=0,
        records_created=len(new),
        records_updated=len(changed),
        sources=[REGISTRY_SOURCE],
    )


# --- labels ---------------------------------------------------------------------------------


def export_labels(path: str | Path) -> int:
    """Write the current review decisions as labels (Parquet) for evaluation and retraining.

    Columns: ``record_id_l``, ``record_id_r``, ``is_match`` (same child or not),
    ``decided_by_role``, ``decided_at``. Pairs marked unsure or still pending are left out;
    a reversed decision counts as its latest version. Record ids only, no names. Audited.

    Returns:
        The number of labels written.
    """
    latest: dict[int, ReviewDecision] = {}
    decisions = ReviewDecision.objects.select_related("pair__record_l", "pair__record_r")
    for decision in decisions.order_by("decided_at", "id"):
        latest[decision.pair_id] = decision
    rows = [
        {
            "record_id_l": d.pair.record_l.record_id,
            "record_id_r": d.pair.record_r.record_id,
            "is_match": d.decision == ReviewStatus.MATCH,
            "decided_by_role": d.decided_by_role,
            "decided_at": d.decided_at,
        }
        for d in latest.values()
        if d.decision in (ReviewStatus.MATCH, ReviewStatus.NON_MATCH)
    ]
    frame = pd.DataFrame(
        rows, columns=["record_id_l", "record_id_r", "is_match", "decided_by_role", "decided_at"]
    )
    frame["is_match"] = frame["is_match"].astype(bool)
    frame["decided_at"] = pd.to_datetime(frame["decided_at"], utc=True)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(target, index=False)
    record(None, "match.labels_export", object_type="review_pair", details={"labels": len(rows)})
    return len(rows)
