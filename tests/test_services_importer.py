"""Tests of the service directory import: CSV and Excel, all or nothing, per-row errors."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from baove.accounts.models import Agency
from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed
from baove.services.importer import ImportFailed, import_services
from baove.services.models import Service, ServiceArea

from .conftest import COMMUNE_A1, COMMUNE_A2, COMMUNE_B1, PROVINCE_A, World

pytestmark = pytest.mark.django_db

HEADER = ("provider_code,provider_name,sector,provider_province,service_name,service_type,"
          "coverage_level,areas,capacity,accepts_referrals,phone")  # fmt: skip
GOOD = [
    f"ctxh-hn,Trung tâm CTXH Hà Nội,social_work,{PROVINCE_A},Tư vấn tâm lý,psychosocial,"
    f"commune,{COMMUNE_A1} {COMMUNE_A2},15,có,024 3825 0000",
    f"ctxh-hn,,,,Nhà tạm lánh,shelter,tỉnh,{PROVINCE_A},,no,",
    "tongdai-111,Tổng đài 111,hotline,,Tư vấn qua điện thoại,counselling_hotline,national,,,,111",
]


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\n".join([header, *rows]) + "\n").encode()


def problems(exc: pytest.ExceptionInfo[ImportFailed]) -> list[tuple[int | None, str | None]]:
    return [(e.row, e.column) for e in exc.value.rows]


def test_csv_import_creates_providers_services_and_areas(world: World) -> None:
    summary = import_services(world.admin, "danh-ba.csv", csv_bytes(*GOOD))
    assert (summary.providers_created, summary.services_created, summary.areas) == (2, 3, 3)
    service = Service.objects.get(name="Tư vấn tâm lý")
    assert service.capacity == 15 and service.accepts_referrals
    assert not Service.objects.get(name="Nhà tạm lánh").accepts_referrals
    assert Service.objects.get(name="Nhà tạm lánh").coverage_level == "province"
    assert Agency.objects.get(code="ctxh-hn").profile is not None
    [event] = AuditEvent.objects.filter(action="service.import")
    assert event.actor == world.admin and event.details["services_created"] == 3
    # No other event: one for the whole import.
    assert (
        not AuditEvent.objects.filter(action__in=["agency.create", "service.create"])
        .exclude(object_id__in=[str(world.agency_x.pk), str(world.agency_y.pk)])
        .exists()
    )


def test_importing_again_updates_instead_of_doubling(world: World) -> None:
    import_services(world.admin, "a.csv", csv_bytes(*GOOD))
    changed = GOOD[0].replace(",15,", ",30,")
    summary = import_services(world.admin, "a.csv", csv_bytes(changed, *GOOD[1:]))
    assert (summary.services_created, summary.services_updated) == (0, 3)
    service = Service.objects.get(name="Tư vấn tâm lý")
    assert service.capacity == 30 and service.version == 2
    assert ServiceArea.objects.filter(service=service).count() == 2


def test_one_bad_row_and_nothing_is_written_with_every_problem_listed(world: World) -> None:
    rows = [
        *GOOD,
        f"x-1,X,ngo,{PROVINCE_A},Dịch vụ,massage,commune,{COMMUNE_A1},,,",
        f"x-2,X,ngo,{PROVINCE_A},Dịch vụ,shelter,commune,99999,abc,,",
        f"ctxh-hn,,,,Tư vấn tâm lý,psychosocial,commune,{COMMUNE_A1},,,",
    ]
    with translation.override("en"), pytest.raises(ImportFailed) as exc:
        import_services(world.admin, "bad.csv", csv_bytes(*rows))
    assert problems(exc) == [
        (5, "service_type"),
        (6, "capacity"),
        (6, "areas"),
        (7, "service_name"),
    ]
    assert "Use one of" in str(exc.value.rows[0].message)
    assert not Service.objects.exists() and not Agency.objects.filter(code="ctxh-hn").exists()
    assert not AuditEvent.objects.filter(action="service.import").exists()


def test_old_commune_code_is_explained(world: World) -> None:
    from baove.linkage.communes import tables

    old = next(code for code, new in tables().old_to_new.items()
               if len(new) == 1 and code not in tables().new_province)  # fmt: skip
    row = f"p-1,P,ngo,{PROVINCE_A},Dịch vụ,shelter,commune,{old},,,"
    with translation.override("en"), pytest.raises(ImportFailed) as exc:
        import_services(world.admin, "old.csv", csv_bytes(row))
    [error] = exc.value.rows
    assert error.row == 2 and error.column == "areas"
    assert "before 1 July 2025" in str(error.message)
    assert tables().old_to_new[old][0] in str(error.message)


def test_header_problems(world: World) -> None:
    with pytest.raises(ImportFailed) as exc:
        import_services(world.admin, "h.csv", csv_bytes(GOOD[0], header="provider_code,nme"))
    assert (1, "nme") in problems(exc) and (1, "service_name") in problems(exc)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.csv", b""),
        ("latin1.csv", "provider_code;tên\n".encode("cp1258")),
        ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ("header-only.csv", HEADER.encode()),
    ],
)
def test_unreadable_files_are_refused_clearly(world: World, name: str, data: bytes) -> None:
    with pytest.raises(ImportFailed) as exc:
        import_services(world.admin, name, data)
    assert exc.value.rows and str(exc.value.rows[0].message)


def test_manager_imports_only_their_province(world: World) -> None:
    rows = [
        f"p-a,P A,ngo,{PROVINCE_A},Dịch vụ A,shelter,commune,{COMMUNE_A1},,,",
        f"p-a,,,,Dịch vụ B,shelter,commune,{COMMUNE_B1},,,",
        "p-n,P N,ngo,,Quốc gia,shelter,national,,,,",
    ]
    with pytest.raises(ImportFailed) as exc:
        import_services(world.manager_a, "m.csv", csv_bytes(*rows))
    # Row 4's provider gets the manager's province; a national service stays refused.
    assert problems(exc) == [(3, "areas"), (4, "coverage_level")]
    with pytest.raises(ActionNotAllowed):
        import_services(world.officer_a1, "m.csv", csv_bytes(rows[0]))
    summary = import_services(world.manager_a, "m.csv", csv_bytes(rows[0]))
    assert summary.services_created == 1


def test_excel_import_with_numeric_codes(world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    # Spreadsheets store codes as numbers and drop the leading zeros.
    sheet.append(["ctxh-hn", "Trung tâm", "social_work", 1, "Tư vấn", "psychosocial",
                  "commune", 4, 12.0, "yes", None])  # fmt: skip
    sheet.append([None] * 11)  # a blank row is skipped
    sheet.append(["ctxh-hn", None, None, None, "Nhà tạm lánh", "shelter", "province", 1,
                  None, None, None])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    summary = import_services(world.admin, "danh-ba.XLSX", buffer.getvalue())
    assert summary.services_created == 2
    service = Service.objects.get(name="Tư vấn")
    assert service.capacity == 12
    assert list(service.areas.values_list("commune_id", flat=True)) == [COMMUNE_A1]


def test_management_command(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*GOOD))
    out = io.StringIO()
    call_command("import_services", str(good), "--as", "admin", stdout=out)
    assert "3 services added" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes("x,,,,,,,,,,"))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_services", str(bad), "--as", "admin", stderr=err)
    assert "row 2" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("import_services", str(good), "--as", "nobody")
