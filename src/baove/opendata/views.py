"""Public open-data pages (no sign-in): the catalogue, each table, CSV downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from baove.cases.reads import neutralise
from baove.opendata import indicators as open_indicators
from baove.opendata import tables
from baove.opendata.api import NOTE
from baove.web.shortcuts import not_found as _not_found

#: Browsers and proxies may keep public pages a while: they change once a month.
_PUBLIC = cache_control(public=True, max_age=600)


@require_GET
@_PUBLIC
def index(request: HttpRequest) -> HttpResponse:
    """The catalogue of public tables and the published indicators."""
    specs = [
        {"spec": spec, "available": tables.available(spec), "by": _by_links(spec)}
        for spec in tables.TABLES.values()
    ]
    context = {
        "tables": specs,
        "period": tables.current_period(),
        "indicators": [r for r in open_indicators.published_indicators() if r["by"] == "total"][
            :200
        ],
        "note": NOTE,
    }
    return render(request, "opendata/index.html", context)


def _by_links(spec: tables.TableSpec) -> list[dict[str, Any]]:
    return [{"code": b, "label": tables.DIMENSION_TITLES[b]} for b in spec.by if b != spec.rows]


def _load(table: str, by: str) -> dict[str, Any] | None:
    if table not in tables.TABLES or not by.isascii() or len(by) > 40:
        return None
    try:
        return tables.release(table, by)
    except (KeyError, tables.TableUnavailable):
        return None


@require_GET
@_PUBLIC
def table(request: HttpRequest, table: str) -> HttpResponse:
    """One public table; ``?by=`` picks the column dimension (404 for anything not offered)."""
    by = request.GET.get("by") or tables.TOTAL
    data = _load(table, by)
    if data is None:
        return _not_found(request)
    spec = tables.TABLES[table]
    context = {
        "spec": spec,
        "data": data,
        "by": by,
        "by_links": _by_links(spec),
        "rows_title": tables.DIMENSION_TITLES[spec.rows],
        "columns": tables.column_labels(data),
        "rows": tables.rows_of(data),
        "note": NOTE,
    }
    return render(request, "opendata/table.html", context)


@require_GET
@_PUBLIC
def table_csv(request: HttpRequest, table: str, by: str) -> HttpResponse:
    """CSV of one public table (long format: one line per cell, totals included)."""
    data = _load(table, by)
    if data is None:
        return _not_found(request)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    rows_dim = data["rows_dimension"]
    out.writerow(
        ["period", rows_dim, f"{rows_dim}_label", by, f"{by}_label", "value", "suppressed"]
    )
    columns = list(zip(data["columns"], tables.column_labels(data), strict=True))
    for row in tables.rows_of(data):
        cells = [*zip(columns, row.cells, strict=True), ((tables.TOTAL, ""), row.total)]
        for (code, lab), value in cells:
            lab = lab or tables.label(by, tables.TOTAL)
            out.writerow(
                [
                    data["period"], row.code, neutralise(row.label), code, neutralise(lab),
                    "" if value is None else value, "1" if value is None else "0",
                ]
            )  # fmt: skip
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"baove-{table}-{by}-{data['period']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
