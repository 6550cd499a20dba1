"""Importing providers and services from a CSV or Excel (.xlsx) file, all or nothing.

One row is one service of one provider (see ``docs/services.md`` for the columns). A
provider code not yet in the directory creates the provider (its name and sector are then
required); a service name the provider already has updates that service, so importing a
corrected file again changes what changed instead of doubling it. Every row is checked
first with the same rules as the web forms; one bad row and nothing is written, and every
problem is reported with its row number (as the spreadsheet shows it), column and message.
The import is one transaction and one audit event.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from baove.accounts.models import Agency, Sector
from baove.accounts.roles import Perm, require
from baove.audit.log import record
from baove.core.errors import DomainError
from baove.core.text import fold
from baove.core.validation import Errors
from baove.services.actions import (
    Coverage,
    _place,
    _profile_fields,
    _service_fields,
    can_manage_provider,
    can_manage_service,
    check_coverage,
)
from baove.services.models import ProviderProfile, Service, ServiceArea
from baove.services.vocab import CoverageLevel, ServiceType

if TYPE_CHECKING:
    from baove.accounts.models import User

__all__ = ["COLUMNS", "ImportFailed", "ImportSummary", "RowError", "import_services", "read_rows"]

#: Columns of an import file: name -> required. Unknown columns are refused (a typo in a
#: header would otherwise silently drop a column).
COLUMNS: dict[str, bool] = {
    "provider_code": True,
    "provider_name": False,
    "sector": False,
    "provider_province": False,
    "provider_commune": False,
    "provider_address": False,
    "provider_phone": False,
    "provider_email": False,
    "provider_website": False,
    "contact_person": False,
    "service_name": True,
    "service_type": True,
    "coverage_level": True,
    "areas": False,
    "opening_hours": False,
    "capacity": False,
    "phone": False,
    "email": False,
    "address": False,
    "accepts_referrals": False,
    "description": False,
}
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
#: The action layer's field names -> the file's column names.
_SERVICE_COLUMN = {"name": "service_name", "coverage_level": "coverage_level", "areas": "areas"}
_PROVIDER_COLUMN = {
    "code": "provider_code", "name": "provider_name", "sector": "sector",
    "province": "provider_province", "commune": "provider_commune",
    "address": "provider_address", "phone": "provider_phone", "email": "provider_email",
    "website": "provider_website", "contact_person": "contact_person",
    "description": "description",
}  # fmt: skip
# Words people write for a level, besides the codes themselves (folded, without tones).
_LEVEL_WORDS = {
    "xa": CoverageLevel.COMMUNE, "phuong": CoverageLevel.COMMUNE,
    "cap xa": CoverageLevel.COMMUNE, "tinh": CoverageLevel.PROVINCE,
    "cap tinh": CoverageLevel.PROVINCE, "thanh pho": CoverageLevel.PROVINCE,
    "quoc gia": CoverageLevel.NATIONAL, "toan quoc": CoverageLevel.NATIONAL,
}  # fmt: skip


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (None for the file itself), the column, the message."""

    row: int | None
    column: str | None
    message: str | Promise

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.message}"


class ImportFailed(DomainError):
    """The file cannot be imported; nothing was written. ``rows`` lists every problem."""

    code = "import_failed"

    def __init__(self, rows: list[RowError]) -> None:
        super().__init__(
            _("Nothing was imported: the file has %(n)d problem(s).") % {"n": len(rows)}
        )
        self.rows = rows


@dataclass
class ImportSummary:
    """What an import did."""

    rows: int = 0
    providers_created: int = 0
    services_created: int = 0
    services_updated: int = 0
    areas: int = 0
    provider_codes: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A cell as the checks expect it: text trimmed, whole floats as integers."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(
            [RowError(None, None, _("The file is not UTF-8 text. Save it as “CSV UTF-8”."))]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    # openpyxl is the maintained reader for .xlsx; read-only mode streams the sheet.
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFailed(
            [RowError(None, None, _("The file is not an Excel workbook (.xlsx)."))]
        ) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()


def read_rows(name: str, data: bytes) -> list[tuple[int, dict[str, Any]]]:
    """Read an import file into ``(row number, {column: value})`` pairs.

    Args:
        name: The file name; ``.xlsx`` is read as Excel, anything else as CSV.
        data: The file's bytes.

    Raises:
        ImportFailed: The file is too big, unreadable, empty, or its header is wrong.
    """
    if len(data) > MAX_BYTES:
        raise ImportFailed([RowError(None, None, _("The file is too big (at most 10 MB)."))])
    reader: Iterable[list[Any]]
    reader = _xlsx_rows(data) if name.lower().endswith(".xlsx") else _csv_rows(data)
    rows: list[tuple[int, dict[str, Any]]] = []
    header: list[str] | None = None
    for number, values in enumerate(reader, start=1):
        cells = [_cell(v) for v in values]
        if header is None:
            header = [str(c).strip().lower() for c in cells]
            _check_header(header)
            continue
        if not any(c != "" for c in cells):
            continue  # blank lines between blocks are common in hand-made sheets
        if len(rows) >= MAX_ROWS:
            raise ImportFailed(
                [RowError(number, None, _("The file has too many rows (at most 50,000)."))]
            )
        row = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col}
        rows.append((number, row))
    if header is None or not rows:
        raise ImportFailed([RowError(None, None, _("The file has no rows to import."))])
    return rows


def _check_header(header: list[str]) -> None:
    problems: list[RowError] = []
    for column in header:
        if column and column not in COLUMNS:
            problems.append(RowError(1, column[:60], _("This column is not known.")))
    for column, required in COLUMNS.items():
        if required and column not in header:
            problems.append(RowError(1, column, _("This column is missing.")))
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            problems.append(RowError(1, column, _("This column appears twice.")))
        seen.add(column)
    if problems:
        raise ImportFailed(problems)


# --- checking ------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    provider_code: str
    service: dict[str, Any]
    coverage: Coverage
    new_provider: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None


def _level(value: Any) -> Any:
    if isinstance(value, str):
        folded = fold(value)
        if folded in CoverageLevel.values:
            return folded
        return _LEVEL_WORDS.get(folded, value)
    return value


def _collect(errors: Errors, number: int, names: dict[str, str], out: list[RowError]) -> None:
    for name, messages in errors.by_field.items():
        column = names.get(name, name)
        out.extend(RowError(number, column, m) for m in messages)


def _check_row(
    user: User,
    number: int,
    row: dict[str, Any],
    providers: dict[str, Agency | None],
    new_codes: dict[str, int],
    problems: list[RowError],
) -> _Row | None:
    code = str(row.get("provider_code", "")).strip()
    before = len(problems)
    if not code:
        problems.append(RowError(number, "provider_code", _("This field is required.")))
        return None
    if code not in providers:
        providers[code] = Agency.objects.filter(code=code).select_related("province").first()
    agency = providers[code]
    new_provider: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    if agency is None and code not in new_codes:
        p_errors = Errors()
        data = {k: row.get(v, "") for k, v in _PROVIDER_COLUMN.items()}
        new_provider = {
            "code": p_errors.text("code", code, max_length=40, required=True),
            "name": p_errors.text("name", data["name"], max_length=200, required=True),
            "sector": p_errors.choice("sector", data["sector"], set(Sector.values)),
        }
        if not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
            p_errors.add("code", _("Use only letters without tones, digits, “-” and “_”."))
        if new_provider["sector"] == "":
            p_errors.by_field["sector"] = [
                _("Use one of: %(values)s.") % {"values": ", ".join(Sector.values)}
            ]
        province, commune = _place(p_errors, user, data, None)
        new_provider.update(province=province, commune=commune)
        profile = _profile_fields(p_errors, data, partial=False)
        _collect(p_errors, number, _PROVIDER_COLUMN, problems)
        new_codes[code] = number
    elif agency is not None and not can_manage_provider(user, agency):
        problems.append(RowError(number, "provider_code", _("You may not manage this provider.")))
    s_errors = Errors()
    data = {
        "name": row.get("service_name", ""), "service_type": row.get("service_type", ""),
        "description": row.get("description", ""), "opening_hours": row.get("opening_hours", ""),
        "address": row.get("address", ""), "capacity": row.get("capacity", ""),
        "phone": row.get("phone", ""), "email": row.get("email", ""),
        "accepts_referrals": row.get("accepts_referrals", ""),
    }  # fmt: skip
    if data["accepts_referrals"] == "":
        data["accepts_referrals"] = True  # an empty cell means the default: yes
    fields = _service_fields(s_errors, data, partial=False)
    if fields.get("service_type") == "" and "service_type" in s_errors.by_field:
        s_errors.by_field["service_type"] = [
            _("Use one of: %(values)s.") % {"values": ", ".join(ServiceType.values)}
        ]
    coverage = check_coverage(
        s_errors, user, _level(row.get("coverage_level", "")), row.get("areas", "")
    )
    _collect(s_errors, number, _SERVICE_COLUMN, problems)
    if len(problems) > before:
        return None
    return _Row(number, code, fields, coverage, new_provider, profile)


# --- writing -------------------------------------------------------------------------------


def import_services(user: User, name: str, data: bytes) -> ImportSummary:
    """Check and import a file of providers and services (all or nothing, one audit event).

    Args:
        user: An administrator, or a province manager (rows of their province only).
        name: The file name (``.xlsx`` for Excel, else CSV).
        data: The file's bytes.

    Raises:
        ActionNotAllowed: The role may not manage the directory.
        ImportFailed: With every problem found; nothing was written.
    """
    require(user, Perm.SERVICE_MANAGE)
    rows = read_rows(name, data)
    problems: list[RowError] = []
    providers: dict[str, Agency | None] = {}
    new_codes: dict[str, int] = {}
    checked: list[_Row] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        item = _check_row(user, number, row, providers, new_codes, problems)
        if item is None:
            continue
        key = (item.provider_code, item.service["name"])
        if key in seen:
            problems.append(
                RowError(
                    number, "service_name",
                    _("The same service of the same provider is already on row %(row)d.")
                    % {"row": seen[key]},
                )
            )  # fmt: skip
            continue
        seen[key] = number
        checked.append(item)
    existing = _existing_services(checked, providers)
    for item in checked:
        service = existing.get((item.provider_code, item.service["name"]))
        if service is not None and not can_manage_service(user, service):
            problems.append(
                RowError(item.number, "service_name", _("You may not manage this service."))
            )
    if problems:
        problems.sort(key=lambda e: e.row or 0)
        raise ImportFailed(problems)
    return _write(user, name, checked, providers, existing, len(rows))


def _existing_services(
    checked: list[_Row], providers: dict[str, Agency | None]
) -> dict[tuple[str, str], Service]:
    ids = {a.pk: code for code, a in providers.items() if a is not None}
    names = {item.service["name"] for item in checked}
    found: dict[tuple[str, str], Service] = {}
    if not ids:
        return found
    query = Service.objects.filter(agency_id__in=list(ids), name__in=list(names))
    for service in query.select_related("agency"):
        found[(ids[service.agency_id], service.name)] = service
    return found


def _write(
    user: User,
    file_name: str,
    checked: list[_Row],
    providers: dict[str, Agency | None],
    existing: dict[tuple[str, str], Service],
    row_count: int,
) -> ImportSummary:
    summary = ImportSummary(rows=row_count)
    now = timezone.now()
    with transaction.atomic():
        # New providers as plain rows: one audit event covers the whole import, where
        # create_agency would add one per provider.
        new = [item for item in checked if item.new_provider is not None]
        agencies = Agency.objects.bulk_create([Agency(**(item.new_provider or {})) for item in new])
        agencies = list(Agency.objects.filter(code__in=[a.code for a in agencies]))
        by_code = {a.code: a for a in agencies}
        ProviderProfile.objects.bulk_create(
            [
                ProviderProfile(agency=by_code[item.provider_code], **(item.profile or {}))
                for item in new
            ]
        )
        providers.update(by_code)
        summary.providers_created = len(agencies)
        to_create: list[tuple[Service, _Row]] = []
        updated: list[tuple[Service, _Row]] = []
        for item in checked:
            provider = providers[item.provider_code]
            assert provider is not None
            old = existing.get((item.provider_code, item.service["name"]))
            if old is None:
                service = Service(
                    agency=provider, coverage_level=item.coverage.level, **item.service
                )
                to_create.append((service, item))
            else:
                Service.objects.filter(pk=old.pk).update(
                    version=F("version") + 1, updated_at=now,
                    coverage_level=item.coverage.level, **item.service,
                )  # fmt: skip
                updated.append((old, item))
        created = Service.objects.bulk_create([s for s, _row in to_create])
        # bulk_create sets primary keys on SQLite and PostgreSQL; read them back by name
        # anyway so that other backends work as well.
        if any(s.pk is None for s in created):  # pragma: no cover
            created = [Service.objects.get(agency=s.agency, name=s.name) for s in created]
        ServiceArea.objects.filter(service_id__in=[s.pk for s, _row in updated]).delete()
        areas: list[ServiceArea] = []
        for service, item in [*zip(created, (r for _s, r in to_create), strict=True), *updated]:
            areas += [ServiceArea(service=service, commune=c) for c in item.coverage.communes]
            areas += [ServiceArea(service=service, province=p) for p in item.coverage.provinces]
        ServiceArea.objects.bulk_create(areas, batch_size=2000)
        summary.services_created = len(created)
        summary.services_updated = len(updated)
        summary.areas = len(areas)
        summary.provider_codes = sorted({item.provider_code for item in checked})
        record(
            user, "service.import", object_type="service_import", object_id=file_name[:100],
            details={
                "file": file_name[:200], "rows": row_count,
                "providers_created": summary.providers_created,
                "services_created": summary.services_created,
                "services_updated": summary.services_updated, "areas": summary.areas,
            },
        )  # fmt: skip
    return summary
