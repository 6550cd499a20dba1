"""JSON API of the opendata app (mounted under ``/api/open``): public, no sign-in.

Only the catalogue's tables, with their offered dimensions, for the current release period;
every number is protected by :mod:`baove.opendata.disclosure`. Anything else is a clear 404
or 422, never a server error.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from baove.api.schemas import responses
from baove.core.errors import NotFound, ValidationFailed
from baove.opendata import indicators as open_indicators
from baove.opendata import tables

router = Router(tags=["open data"])

TableId = Literal["open-cases", "new-cases", "referrals", "placements"]
By = Literal[
    "total", "province", "sex", "age_group", "risk", "category", "service_type", "urgency",
    "placement_type",
]  # fmt: skip


class TableInfoOut(Schema):
    id: str
    title: str
    description: str
    rows: str
    by: list[str]
    available: bool
    period: str


class ColumnOut(Schema):
    code: str
    label: str


class CellOut(Schema):
    column: str
    value: int | None
    suppressed: bool


class RowOut(Schema):
    code: str
    label: str
    cells: list[CellOut]
    total: int | None
    total_suppressed: bool


class TableOut(Schema):
    table: str
    title: str
    period: str
    rows_dimension: str
    by: str
    min_cell: int
    round_base: int
    note: str
    columns: list[ColumnOut]
    rows: list[RowOut]


class IndicatorOut(Schema):
    indicator: str
    source: str
    round: str
    year: int
    by: str
    domain: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    flag: str
    display: str


NOTE = _(
    "Counts are rounded to a multiple of 5 after a small random adjustment, and counts below "
    "the threshold are suppressed, so that no child can be identified. Totals are protected "
    "separately and may not equal the sum of the cells."
)


@router.get("/tables", auth=None, response=responses(200, list[TableInfoOut]))
def open_tables(request: HttpRequest) -> list[TableInfoOut]:
    """The public tables: what each counts and the dimensions it can be broken down by."""
    period = tables.current_period().isoformat()
    return [
        TableInfoOut(
            id=spec.id,
            title=str(spec.title),
            description=str(spec.description),
            rows=spec.rows,
            by=[b for b in spec.by if b != spec.rows],
            available=tables.available(spec),
            period=period,
        )
        for spec in tables.TABLES.values()
    ]


def table_out(data: dict[str, Any]) -> TableOut:
    """Present a release (labels in the request's language)."""
    spec = tables.TABLES[data["table"]]
    columns = data["columns"]
    return TableOut(
        table=spec.id,
        title=str(spec.title),
        period=data["period"],
        rows_dimension=data["rows_dimension"],
        by=data["by"],
        min_cell=data["min_cell"],
        round_base=data["round_base"],
        note=str(NOTE),
        columns=[
            ColumnOut(code=c, label=lab)
            for c, lab in zip(columns, tables.column_labels(data), strict=True)
        ],
        rows=[
            RowOut(
                code=row.code,
                label=row.label,
                total=row.total,
                total_suppressed=row.total is None,
                cells=[
                    CellOut(column=c, value=v, suppressed=v is None)
                    for c, v in zip(columns, row.cells, strict=True)
                ],
            )
            for row in tables.rows_of(data)
        ],
    )


def load(table: str, by: str) -> dict[str, Any]:
    """Return the current release of a table, or raise the API's 404 / 422."""
    try:
        return tables.release(table, by)
    except KeyError:
        raise ValidationFailed({"by": [_("This table cannot be broken down this way.")]}) from None
    except tables.TableUnavailable:
        raise NotFound(_("This table is not published by this installation.")) from None


@router.get("/tables/{table}", auth=None, response=responses(200, TableOut), url_name="open_table")
def open_table(request: HttpRequest, table: TableId, by: By = "total") -> TableOut:
    """One public table for the current period (the last complete month).

    ``by`` picks the column dimension among those the table offers. Suppressed cells are
    ``null`` with ``suppressed`` true.
    """
    return table_out(load(table, by))


@router.get("/indicators", auth=None, response=responses(200, list[IndicatorOut]))
def open_indicators_list(
    request: HttpRequest, indicator: str | None = None
) -> list[dict[str, Any]]:
    """Published indicator results (survey and administrative estimates, MICS flags)."""
    if indicator is not None and (len(indicator) > 40 or not indicator.isascii()):
        raise ValidationFailed({"indicator": [_("Choose one of the listed options.")]})
    return open_indicators.published_indicators(indicator=indicator)
