"""Report downloads: SDMX, the indicator workbook, PDF reports, and the case-list workbook.

Indicator downloads (``INDICATOR_VIEW``) read the published results
(:func:`baove.dashboards.store.results_frame`), hand them to :mod:`baove.reports` and audit
one ``report.export`` event that names no child. The case list (``CASE_EXPORT``) is personal
data: scoped by :func:`baove.cases.access.scoped_cases`, audited with the ids of the cases it
contains, exactly like :func:`baove.cases.reads.export_cases_csv`, and every cell is written
as neutralised text so no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, cast

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from baove.accounts.models import User
from baove.accounts.roles import Perm, has_perm
from baove.audit.log import record
from baove.cases import reads
from baove.cases.access import scoped_cases

if TYPE_CHECKING:
    import pandas as pd

    from baove.reports.frame import Lang

__all__ = [
    "cases_xlsx",
    "indicators_xlsx",
    "national_pdf",
    "province_pdf",
    "sdmx_csv",
    "sdmx_structure",
    "sdmx_xml",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LANGS = ("vi", "en")


class _BadRequest(Exception):
    """A download parameter the user can correct (shown as a 4xx page)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _user(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "web/error.html", {"message": message}, status=status)


def _lang(request: HttpRequest) -> str:
    """``?lang=`` (default: the page language), ``vi`` or ``en``."""
    value = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "vi") or "vi"
    value = value[:2].lower()
    if value not in _LANGS:
        raise _BadRequest(_("The language must be vi or en."))
    return value


def _results(request: HttpRequest) -> tuple[pd.DataFrame, str | None]:
    """Published results and the ``?round=`` asked for (checked against them)."""
    from baove.dashboards.store import results_frame  # the store loads pandas on first use

    frame = results_frame()
    if frame.empty:
        raise _BadRequest(_("No indicator results have been published yet."), 404)
    round_id = (request.GET.get("round") or "").strip()[:40] or None
    if round_id is not None and round_id not in set(frame["round"]):
        raise _BadRequest(_("There are no published results for this round."), 404)
    return frame, round_id


def _attachment(body: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    stamp = timezone.localdate().strftime("%Y%m%d")
    stem, _dot, extension = name.rpartition(".")
    # The date goes before the extension, so the saved file still opens with its program.
    response["Content-Disposition"] = f'attachment; filename="baove-{stem}-{stamp}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


def _indicator_download(request: HttpRequest, fmt: str, province: str | None = None) -> Any:
    user = _user(request)
    if user is None or not has_perm(user, Perm.INDICATOR_VIEW):
        return render(request, "403.html", status=403)
    from baove import reports

    try:
        lang = _lang(request)
        frame, round_id = _results(request)
        if fmt == "sdmx.xml":
            body, ctype, name = reports.sdmx_ml_bytes(frame), "application/xml", "sdmx.xml"
        elif fmt == "sdmx-structure.xml":
            body, ctype = reports.sdmx_structure_bytes(frame), "application/xml"
            name = "sdmx-structure.xml"
        elif fmt == "sdmx.csv":
            body = reports.sdmx_csv_text(frame).encode("utf-8")
            ctype, name = "text/csv; charset=utf-8", "sdmx.csv"
        elif fmt == "xlsx":
            body = reports.workbook_bytes(frame, round_id=round_id, lang=cast("Lang", lang))
            ctype, name = XLSX, "indicators.xlsx"
        else:
            if province is not None and not (
                province.isascii() and province.isdigit() and len(province) == 2
            ):
                raise _BadRequest(_("Unknown province."), 404)
            if province is not None and province not in set(
                frame.loc[frame["by"] == "province", "domain"]
            ):
                raise _BadRequest(_("There are no published results for this province."), 404)
            body = reports.report_bytes(
                frame, province_code=province, lang=cast("Lang", lang), round_id=round_id
            )
            ctype = "application/pdf"
            name = f"province-{province}.pdf" if province else "national.pdf"
    except _BadRequest as error:
        return _error(request, error.message, error.status)
    # Aggregates only: the event names the format and round, no child.
    record(
        user, "report.export", object_type="indicator_result",
        details={"format": fmt, "round": round_id, "province": province, "lang": lang},
    )  # fmt: skip
    return _attachment(body, ctype, name)


@login_required
@require_GET
def sdmx_xml(request: HttpRequest) -> HttpResponse:
    """SDMX-ML 2.1 generic data of every published result (readable without the DSD)."""
    response: HttpResponse = _indicator_download(request, "sdmx.xml")
    return response


@login_required
@require_GET
def sdmx_structure(request: HttpRequest) -> HttpResponse:
    """SDMX-ML 2.1 structure message: codelists, the DSD and the dataflow."""
    response: HttpResponse = _indicator_download(request, "sdmx-structure.xml")
    return response


@login_required
@require_GET
def sdmx_csv(request: HttpRequest) -> HttpResponse:
    """SDMX-CSV 2.0 of every published result."""
    response: HttpResponse = _indicator_download(request, "sdmx.csv")
    return response


@login_required
@require_GET
def indicators_xlsx(request: HttpRequest) -> HttpResponse:
    """MICS-style workbook (``?round=``, ``?lang=vi|en``)."""
    response: HttpResponse = _indicator_download(request, "xlsx")
    return response


@login_required
@require_GET
def national_pdf(request: HttpRequest) -> HttpResponse:
    """National PDF report (``?round=``, ``?lang=vi|en``)."""
    response: HttpResponse = _indicator_download(request, "pdf")
    return response


@login_required
@require_GET
def province_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """One province's PDF report (``?round=``, ``?lang=vi|en``)."""
    response: HttpResponse = _indicator_download(request, "pdf", province=code)
    return response


@login_required
@require_GET
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    """The open cases in the user's scope as a workbook (personal data: checked, audited)."""
    user = _user(request)
    if user is None or not has_perm(user, Perm.CASE_EXPORT):
        return render(request, "403.html", status=403)
    qs = scoped_cases(user, Perm.CASE_EXPORT).filter(reads.OPEN)
    ids = list(qs.order_by("id").values_list("id", flat=True))
    # Which children's records left the system, as the CSV export records it.
    record(
        user, "case.export", object_type="case",
        details={"rows": len(ids), "format": "xlsx", "results": ids},
    )  # fmt: skip
    buffer = io.BytesIO()
    # No formulas and no links from text: every cell below is written as a string anyway.
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
    try:
        sheet = book.add_worksheet(_("Cases")[:31])
        # The CSV export's rows (same columns, same neutralise()), so both formats agree.
        lines = "".join(reads._csv_lines(qs.filter(id__in=ids)))
        for r, row in enumerate(csv.reader(io.StringIO(lines))):
            for c, value in enumerate(row):
                sheet.write_string(r, c, reads.neutralise(value) if r else value)
        sheet.freeze_panes(1, 0)
    finally:
        book.close()
    return _attachment(buffer.getvalue(), XLSX, "cases.xlsx")
