"""The public tables: a fixed catalogue, computed once per month and frozen.

Nobody can ask for an arbitrary aggregate. There is a short list of tables (:data:`TABLES`),
each with rows (province or year) and one column dimension chosen from a fixed list
(``by``); the finest geography is the province; there are no free filters and no free
periods. Every release covers whole months up to the end of the last complete month
(:func:`current_period`) and is stored the first time it is asked for
(:class:`~baove.opendata.models.Release`), so the numbers of a period never move: asking
today and tomorrow gives the same answer, and a case recorded today shows only in next
month's release, among a month of others. Every cell goes through the cell-key method of
:mod:`baove.opendata.disclosure`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.cases.models import Case
from baove.cases.vocab import Category, RiskLevel
from baove.geo import cache as geo_cache
from baove.geo.models import Province
from baove.opendata import disclosure
from baove.opendata.models import Release
from baove.registry.vocab import Sex

logger = logging.getLogger(__name__)

#: Age groups (years at the report) as UNICEF tabulates them.
AGE_GROUPS: tuple[tuple[str, Promise, int, int], ...] = (
    ("0-4", _("0–4 years"), 0, 4),
    ("5-9", _("5–9 years"), 5, 9),
    ("10-14", _("10–14 years"), 10, 14),
    ("15-17", _("15–17 years"), 15, 200),
)
TOTAL = "total"


@dataclass(frozen=True)
class TableSpec:
    """One public table: what it counts, its rows, the column dimensions it offers."""

    id: str
    title: Promise
    description: Promise
    subject: str  # the kind of record counted: "case", "referral", "placement"
    rows: str  # "province" or "year"
    by: tuple[str, ...]  # the column dimensions offered; "total" is the 1-D table


TABLES: dict[str, TableSpec] = {
    t.id: t
    for t in (
        TableSpec(
            "open-cases",
            _("Open cases at the end of the period"),
            _("Cases open on the last day of the period, by province."),
            "case",
            "province",
            (TOTAL, "sex", "age_group", "risk", "category"),
        ),
        TableSpec(
            "new-cases",
            _("New cases by year"),
            _("Cases reported in each year (the current year up to the end of the period)."),
            "case",
            "year",
            (TOTAL, "province", "sex", "age_group", "risk", "category"),
        ),
        TableSpec(
            "referrals",
            _("Referrals by year"),
            _("Referrals sent to services in each year."),
            "referral",
            "year",
            (TOTAL, "province", "service_type", "urgency"),
        ),
        TableSpec(
            "placements",
            _("Children in care placements at the end of the period"),
            _("Active care placements on the last day of the period, by province."),
            "placement",
            "province",
            (TOTAL, "placement_type"),
        ),
    )
}

DIMENSION_TITLES: dict[str, Promise] = {
    TOTAL: _("Total"),
    "province": _("Province"),
    "year": _("Year"),
    "sex": _("Sex"),
    "age_group": _("Age group"),
    "risk": _("Risk level"),
    "category": _("Category"),
    "service_type": _("Type of service"),
    "urgency": _("Urgency"),
    "placement_type": _("Type of placement"),
}


class TableUnavailable(Exception):
    """The table's source is not part of this installation (its app is missing)."""


# --------------------------------------------------------------------------- periods


def current_period(today: dt.date | None = None) -> dt.date:
    """Return the last day of the last complete month: the period public tables cover."""
    today = today or timezone.localdate()
    return today.replace(day=1) - dt.timedelta(days=1)


def _period_end(period: dt.date) -> dt.datetime:
    """Return the first instant after ``period`` (local time): the exclusive upper bound."""
    return timezone.make_aware(dt.datetime.combine(period + dt.timedelta(days=1), dt.time()))


# --------------------------------------------------------------------------- sources


def _model(label: str) -> type[models.Model]:
    """Return another app's model, or raise TableUnavailable when it does not exist (yet)."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError) as exc:
        raise TableUnavailable(label) from exc


@dataclass(frozen=True)
class _Source:
    """How to count one kind of record: the base query and the field of each dimension."""

    kind: str
    queryset: QuerySet[Any]
    fields: dict[str, Any]  # dimension -> field name or expression
    id_column: str


def _source(spec: TableSpec, period: dt.date) -> _Source:
    end = _period_end(period)
    year = ExtractYear
    if spec.subject == "case":
        qs: QuerySet[Any] = Case.objects.filter(reported_at__lt=end)
        if spec.id == "open-cases":
            qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        fields: dict[str, Any] = {
            "province": F("province_id"),
            "year": year("reported_at"),
            "sex": F("child__sex"),
            # Age in years at the report, as a difference of calendar years (portable SQL;
            # the groups are wide enough for the approximation).
            "age_group": year("reported_at") - year("child__birth_date"),
            "risk": F("risk_level"),
            "category": F("categories__code"),
        }
        return _Source("case", qs, fields, '"cases_case"."id"')
    if spec.subject == "referral":
        model = _model("referrals.Referral")
        qs = model._default_manager.filter(sent_at__lt=end)
        fields = {
            "province": F("from_province_id"),
            "year": year("sent_at"),
            "service_type": F("service__service_type"),
            "urgency": F("urgency"),
        }
        return _Source("referral", qs, fields, f'"{model._meta.db_table}"."id"')
    model = _model("placements.Placement")
    qs = model._default_manager.filter(start_date__lte=period).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=period)
    )
    qs = qs.exclude(status__in=["proposed", "rejected"])
    fields = {"province": F("province_id"), "placement_type": F("placement_type")}
    return _Source("placement", qs, fields, f'"{model._meta.db_table}"."id"')


def _domain(dimension: str, spec: TableSpec, period: dt.date, seen: set[str]) -> list[str]:
    """Return every value of a dimension, in display order (absent values count as zero)."""
    if dimension == "province":
        return list(Province.objects.order_by("code").values_list("code", flat=True))
    if dimension == "year":
        years = sorted({int(y) for y in seen if y.isdigit()} | {period.year})
        return [str(y) for y in range(years[0], period.year + 1)]
    if dimension == "age_group":
        return [code for code, _label, _lo, _hi in AGE_GROUPS]
    choices = _choices(dimension)
    values = list(choices) if choices else []
    return values + sorted(seen - set(values))


def _choices(dimension: str) -> dict[str, str]:
    if dimension == "sex":
        return {v: str(label) for v, label in Sex.choices}
    if dimension == "risk":
        return {v: str(label) for v, label in RiskLevel.choices}
    if dimension == "category":
        return {v: str(label) for v, label in Category.choices}
    vocab = {
        "service_type": ("baove.services.vocab", "ServiceType"),
        "urgency": ("baove.referrals.vocab", "Urgency"),
        "placement_type": ("baove.placements.vocab", "PlacementType"),
    }.get(dimension)
    if vocab is None:
        return {}
    try:
        module = __import__(vocab[0], fromlist=[vocab[1]])
        enum: Any = getattr(module, vocab[1])
    except (ImportError, AttributeError):
        return {}
    return {v: str(label) for v, label in enum.choices}


def label(dimension: str, value: str) -> str:
    """Return the display label of one value of a dimension, in the active language."""
    if value == TOTAL:
        return str(_("Total"))
    if dimension == "province":
        try:
            return geo_cache.province(value).name
        except KeyError:
            return value
    if dimension == "age_group":
        return next((str(lab) for code, lab, _lo, _hi in AGE_GROUPS if code == value), value)
    return _choices(dimension).get(value, value)


def _age_group(years: Any) -> str:
    age = int(years) if years is not None else -1
    for code, _label, lo, hi in AGE_GROUPS:
        if lo <= age <= hi:
            return code
    return "0-4" if age < 0 else "15-17"


def _key(dimension: str, value: Any) -> str:
    if dimension == "age_group":
        return _age_group(value)
    return "" if value is None else str(value)


# --------------------------------------------------------------------------- computing


def _grouped(source: _Source, dims: tuple[str, ...]) -> dict[tuple[str, ...], tuple[int, int]]:
    """Count records and add up their keys by ``dims``: {values: (count, key sum)}."""
    params = disclosure.key_params(source.kind)
    # The SQL is built from integers and a column name of our own, never from input.
    sql = disclosure.record_key_sql(source.id_column, params)
    key = RawSQL(sql, [], output_field=BigIntegerField())  # noqa: S611
    names = {d: f"d_{d}" for d in dims}
    qs = source.queryset.annotate(**{names[d]: source.fields[d] for d in dims})
    rows = qs.values(*names.values()).annotate(n=Count("pk"), k=Sum(key)).order_by()
    out: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        values = tuple(_key(d, row[names[d]]) for d in dims)
        cell = out[values]
        cell[0] += int(row["n"])
        cell[1] += int(row["k"] or 0)
    return {k: (v[0], v[1]) for k, v in out.items()}


def compute(table: str, by: str, period: dt.date) -> dict[str, Any]:
    """Compute one protected table from the database (nothing true leaves this function).

    Raises:
        KeyError: Unknown table or ``by``.
        TableUnavailable: The table's records are not part of this installation.
    """
    spec = TABLES[table]
    if by not in spec.by or by == spec.rows:
        raise KeyError(by)
    source = _source(spec, period)
    try:
        by_row = _grouped(source, (spec.rows,))
        cells_true = _grouped(source, (spec.rows, by)) if by != TOTAL else {}
    except (FieldError, DatabaseError) as exc:  # another app's schema differs from contract3
        raise TableUnavailable(table) from exc
    rows = _domain(spec.rows, spec, period, {k[0] for k in by_row})
    rows = [r for r in rows if spec.rows != "year" or r <= str(period.year)]

    def publish(n_k: tuple[int, int] | None) -> int | None:
        n, k = n_k or (0, 0)
        return disclosure.protect(n, k)

    grand = (sum(n for n, _k in by_row.values()), sum(k for _n, k in by_row.values()))
    data: dict[str, Any] = {
        "table": table,
        "by": by,
        "period": period.isoformat(),
        "rows_dimension": spec.rows,
        "rows": rows,
        "row_totals": {r: publish(by_row.get((r,))) for r in rows},
        "total": publish(grand),
        "columns": [],
        "cells": {},
        "column_totals": {},
        "min_cell": disclosure.min_cell(),
        "round_base": disclosure.ROUND_BASE,
    }
    if by != TOTAL:
        columns = _domain(by, spec, period, {k[1] for k in cells_true})
        column_sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for (_row, c), (n, k) in cells_true.items():
            # Each record has exactly one row value, so a column total is the sum over rows
            # of its true counts and keys (the keys of a record set add up, mod M).
            column_sums[c][0] += n
            column_sums[c][1] += k
        data["columns"] = columns
        data["cells"] = {f"{r}|{c}": publish(cells_true.get((r, c))) for r in rows for c in columns}
        data["column_totals"] = {
            c: publish((column_sums[c][0], column_sums[c][1]) if c in column_sums else None)
            for c in columns
        }
    return data


# --------------------------------------------------------------------------- releases


def _cache_seconds() -> int:
    return int(getattr(settings, "BAOVE_OPEN_CACHE_SECONDS", 3600))


def release(table: str, by: str, period: dt.date | None = None) -> dict[str, Any]:
    """Return the frozen release of one table for ``period`` (default: the current one).

    The first call for a period computes and stores it; later calls read it back (from the
    process cache first: the public pages are the most visited and cheapest to serve).

    Raises:
        KeyError: Unknown table or ``by``.
        TableUnavailable: The table's records are not part of this installation.
    """
    spec = TABLES[table]
    if by not in spec.by or by == spec.rows:
        raise KeyError(by)
    period = period or current_period()
    cache_key = f"baove.opendata:{period.isoformat()}:{table}:{by}"
    data: dict[str, Any] | None = cache.get(cache_key)
    if data is not None:
        return data
    stored = Release.objects.filter(period=period, table=table, by=by).first()
    if stored is None:
        data = compute(table, by, period)
        try:
            with transaction.atomic():
                stored = Release.objects.create(period=period, table=table, by=by, data=data)
        except IntegrityError:
            # Two first visitors at once: keep the one stored first, for everyone.
            stored = Release.objects.get(period=period, table=table, by=by)
    cache.set(cache_key, stored.data, _cache_seconds())
    return dict(stored.data)


def available(spec: TableSpec) -> bool:
    """Return True when the records a table counts exist in this installation."""
    try:
        _source(spec, current_period())
    except TableUnavailable:
        return False
    return True


# --------------------------------------------------------------------------- presenting


@dataclass(frozen=True)
class Row:
    """One row of a table as shown: its label, cells (None = suppressed) and total."""

    code: str
    label: str
    cells: list[int | None]
    total: int | None


def rows_of(data: dict[str, Any]) -> list[Row]:
    """Return the rows of a release with labels in the active language, total row last."""
    rows_dim = data["rows_dimension"]
    columns: list[str] = data["columns"]
    out = [
        Row(
            code,
            label(rows_dim, code),
            [data["cells"].get(f"{code}|{c}") for c in columns],
            data["row_totals"].get(code),
        )
        for code in data["rows"]
    ]
    out.append(
        Row(TOTAL, str(_("Total")), [data["column_totals"].get(c) for c in columns], data["total"])
    )
    return out


def column_labels(data: dict[str, Any]) -> list[str]:
    """Return the column labels of a release in the active language."""
    return [label(data["by"], c) for c in data["columns"]]
