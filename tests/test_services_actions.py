"""Tests of the service directory actions: permissions, scope, versions, bad input, audit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from baove.accounts.models import Agency, User
from baove.audit.models import AuditEvent
from baove.core.errors import ActionNotAllowed, Conflict, IllegalTransition, ValidationFailed
from baove.services import actions
from baove.services.models import ProviderProfile, Service, ServiceArea

from .conftest import COMMUNE_A1, COMMUNE_A2, COMMUNE_B1, PASSWORD, PROVINCE_A, PROVINCE_B, World

pytestmark = pytest.mark.django_db


def service_data(**overrides: Any) -> dict[str, Any]:
    """Valid data of a commune-level service in commune A1."""
    data: dict[str, Any] = {
        "name": "Tư vấn tâm lý cho trẻ em",
        "service_type": "psychosocial",
        "coverage_level": "commune",
        "areas": COMMUNE_A1,
        "opening_hours": "Thứ Hai - Thứ Sáu 7:30-17:00",
        "capacity": "20",
        "phone": "024 3733 1234",
        "email": "tuvan@example.vn",
    }
    data.update(overrides)
    return data


@dataclass
class Directory:
    """A small directory around the canonical world (built through the actions)."""

    provider_a: Agency
    provider_b: Agency
    national: Agency
    commune_a1: Service
    province_a: Service
    national_hotline: Service
    province_b: Service
    closed_a1: Service
    commune_a2: Service


def build_directory(world: World) -> Directory:
    """Providers in A, in B and nationally, with services at each level."""
    admin = world.admin
    pa = actions.create_provider(
        acting_user=world.manager_a,
        data={"code": "ctxh-ha-noi", "name": "Trung tâm Công tác xã hội Hà Nội",
              "sector": "social_work", "phone": "024 3825 0000"},
    )  # fmt: skip
    pb = actions.create_provider(
        acting_user=world.manager_b,
        data={"code": "ctxh-hcm", "name": "Trung tâm Công tác xã hội TP.HCM",
              "sector": "social_work"},
    )  # fmt: skip
    nat = actions.create_provider(
        acting_user=admin,
        data={"code": "tongdai-111", "name": "Tổng đài 111", "sector": "hotline"},
    )
    mk = actions.create_service
    return Directory(
        provider_a=pa,
        provider_b=pb,
        national=nat,
        commune_a1=mk(acting_user=world.manager_a, agency=pa, data=service_data()),
        province_a=mk(
            acting_user=world.manager_a,
            agency=pa,
            data=service_data(
                name="Nhà tạm lánh",
                service_type="shelter",
                coverage_level="province",
                areas=PROVINCE_A,
            ),
        ),
        national_hotline=mk(
            acting_user=admin,
            agency=nat,
            data=service_data(
                name="Tư vấn qua điện thoại",
                service_type="counselling_hotline",
                coverage_level="national",
                areas="",
            ),
        ),
        province_b=mk(
            acting_user=world.manager_b,
            agency=pb,
            data=service_data(
                name="Trợ giúp pháp lý",
                service_type="legal_aid",
                coverage_level="province",
                areas=PROVINCE_B,
            ),
        ),
        closed_a1=_closed(world, pa),
        commune_a2=mk(
            acting_user=world.manager_a,
            agency=pa,
            data=service_data(
                name="Hỗ trợ học tập", service_type="education_support", areas=COMMUNE_A2
            ),
        ),
    )


def _closed(world: World, agency: Agency) -> Service:
    service = actions.create_service(
        acting_user=world.manager_a, agency=agency,
        data=service_data(name="Khám sức khỏe", service_type="medical_care"),
    )  # fmt: skip
    return actions.close_service(service, acting_user=world.manager_a, expected_version=1)


@pytest.fixture
def directory(world: World) -> Directory:
    """The small directory (see :func:`build_directory`)."""
    return build_directory(world)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


# --- providers -----------------------------------------------------------------------------


def test_manager_creates_a_provider_of_their_province_with_profile_and_one_event(
    world: World,
) -> None:
    agency = actions.create_provider(
        acting_user=world.manager_a,
        data={"code": "hoi-lhpn-hn", "name": "Hội Liên hiệp Phụ nữ Hà Nội",
              "sector": "mass_org", "website": "https://hoiphunu.example.vn",
              "contact_person": "Lê Thị Mai"},
    )  # fmt: skip
    assert agency.province_id == PROVINCE_A  # a manager's province by default
    assert agency.profile.contact_person == "Lê Thị Mai"
    [event] = events("provider.create")
    assert event.actor == world.manager_a and event.object_id == str(agency.pk)
    # Exactly one event for the action: no second, system-attributed "agency.create".
    assert not AuditEvent.objects.filter(action="agency.create", object_id=str(agency.pk))


def test_manager_cannot_create_a_provider_in_another_province(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.create_provider(
            acting_user=world.manager_a,
            data={"code": "x-hcm", "name": "X", "sector": "ngo", "province": PROVINCE_B},
        )
    assert "province" in exc.value.errors
    assert not Agency.objects.filter(code="x-hcm").exists()


@pytest.mark.parametrize("who", ["officer_a1", "provider_x", "analyst", "auditor"])
def test_roles_without_service_manage_are_refused(world: World, who: str) -> None:
    user: User = world.users()[who]
    with pytest.raises(ActionNotAllowed):
        actions.create_provider(
            acting_user=user, data={"code": "abc", "name": "Abc", "sector": "ngo"}
        )
    assert not events("provider.create")


def test_provider_input_errors_are_all_reported(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.create_provider(
            acting_user=world.admin,
            data={"code": "có dấu", "name": "", "sector": "bakery", "email": "not-an-email",
                  "website": "javascript:alert(1)", "phone": "call me", "province": "99"},
        )  # fmt: skip
    assert set(exc.value.errors) >= {"code", "name", "sector", "email", "website", "phone",
                                     "province"}  # fmt: skip


def test_old_province_code_is_named_as_old(world: World) -> None:
    # 35 was Hà Nam, merged into Ninh Bình (37) on 1 July 2025.
    with pytest.raises(ValidationFailed) as exc:
        actions.create_provider(
            acting_user=world.admin,
            data={"code": "old", "name": "Old", "sector": "ngo", "province": "35"},
        )
    message = str(exc.value.errors["province"][0])
    assert "1 July 2025" in message


def test_duplicate_provider_code_is_a_clear_error(world: World, directory: Directory) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.create_provider(
            acting_user=world.admin,
            data={"code": "ctxh-ha-noi", "name": "Again", "sector": "social_work",
                  "province": PROVINCE_A},
        )  # fmt: skip
    assert "code" in exc.value.errors


def test_update_provider_checks_version_and_scope(world: World, directory: Directory) -> None:
    agency = actions.update_provider(
        directory.provider_a, acting_user=world.manager_a, expected_version=1,
        data={"name": "Trung tâm CTXH Hà Nội", "phone": "024 1111 2222"},
    )  # fmt: skip
    assert agency.name == "Trung tâm CTXH Hà Nội"
    assert ProviderProfile.objects.get(agency=agency).version == 2
    with pytest.raises(Conflict):
        actions.update_provider(
            agency, acting_user=world.manager_a, expected_version=1, data={"name": "Stale"}
        )
    with pytest.raises(ActionNotAllowed):
        actions.update_provider(
            agency, acting_user=world.manager_b, expected_version=2, data={"name": "B's"}
        )
    assert Agency.objects.get(pk=agency.pk).name == "Trung tâm CTXH Hà Nội"
    assert len(events("provider.update")) == 1


def test_update_of_an_agency_made_elsewhere_starts_at_version_one(world: World) -> None:
    # agency_x (conftest) has no profile yet.
    assert actions.provider_version(world.agency_x) == 1
    actions.update_provider(
        world.agency_x, acting_user=world.manager_a, expected_version=1,
        data={"address": "Số 2 Phố Huế"},
    )  # fmt: skip
    assert world.agency_x.profile.address == "Số 2 Phố Huế"


def test_national_provider_is_for_administrators_only(world: World, directory: Directory) -> None:
    with pytest.raises(ActionNotAllowed) as exc:
        actions.update_provider(
            directory.national, acting_user=world.manager_a, expected_version=1,
            data={"name": "x"},
        )  # fmt: skip
    assert "administrator" in str(exc.value)


def test_add_provider_staff_creates_a_provider_staff_account(
    world: World, directory: Directory
) -> None:
    staff = actions.add_provider_staff(
        directory.provider_a, acting_user=world.manager_a, username="nv.ctxh",
        password=PASSWORD, first_name="Hoa", last_name="Phạm",
    )  # fmt: skip
    assert staff.role == "provider_staff" and staff.agency_id == directory.provider_a.pk
    [event] = events("provider.staff_add")
    assert event.actor == world.manager_a
    assert not AuditEvent.objects.filter(action="user.create", object_id=str(staff.pk))
    with pytest.raises(ActionNotAllowed):
        actions.add_provider_staff(
            directory.provider_a, acting_user=world.manager_b, username="nv2", password=PASSWORD
        )
    with pytest.raises(ValidationFailed):  # the username is taken: a double submission
        actions.add_provider_staff(
            directory.provider_a, acting_user=world.manager_a, username="nv.ctxh",
            password=PASSWORD,
        )  # fmt: skip


# --- services ------------------------------------------------------------------------------


def test_create_service_writes_areas_and_one_event(world: World, directory: Directory) -> None:
    service = directory.commune_a1
    assert service.coverage_level == "commune" and service.capacity == 20
    assert list(service.areas.values_list("commune_id", flat=True)) == [COMMUNE_A1]
    assert ServiceArea.objects.filter(service=directory.national_hotline).count() == 0
    created = events("service.create")
    assert len(created) == Service.objects.count()


def test_manager_coverage_must_stay_in_their_province(world: World, directory: Directory) -> None:
    for level, areas in (("commune", COMMUNE_B1), ("province", PROVINCE_B), ("national", "")):
        with pytest.raises(ValidationFailed):
            actions.create_service(
                acting_user=world.manager_a, agency=directory.provider_a,
                data=service_data(name=f"x-{level}", coverage_level=level, areas=areas),
            )  # fmt: skip
    assert not Service.objects.filter(name__startswith="x-").exists()


def test_admin_may_create_national_services_anywhere(world: World, directory: Directory) -> None:
    service = actions.create_service(
        acting_user=world.admin, agency=directory.provider_b,
        data=service_data(name="Hai tỉnh", coverage_level="province",
                          areas=f"{PROVINCE_A}, {PROVINCE_B}"),
    )  # fmt: skip
    assert service.areas.count() == 2
    # The manager of A may not edit a service that also covers B.
    assert not actions.can_manage_service(world.manager_a, service)


def test_service_input_errors(world: World, directory: Directory) -> None:
    bad = service_data(
        name="", service_type="massage", coverage_level="district", capacity="-3",
        email="@", phone="abc",
    )  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        actions.create_service(acting_user=world.admin, agency=directory.provider_a, data=bad)
    assert set(exc.value.errors) >= {"name", "service_type", "coverage_level", "capacity",
                                     "email", "phone"}  # fmt: skip


@pytest.mark.parametrize(
    ("level", "areas", "field"),
    [
        ("commune", "", "areas"),
        ("commune", "12345678", "areas"),
        ("commune", "99999", "areas"),
        ("national", COMMUNE_A1, "areas"),
        ("province", "7", "areas"),
    ],
)
def test_coverage_errors(world: World, directory: Directory, level: str, areas: str,
                         field: str) -> None:  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        actions.create_service(
            acting_user=world.admin, agency=directory.provider_a,
            data=service_data(name="Lỗi", coverage_level=level, areas=areas),
        )  # fmt: skip
    assert field in exc.value.errors


def test_old_commune_code_names_the_new_code(world: World, directory: Directory) -> None:
    from baove.linkage.communes import tables

    old = next(code for code, new in tables().old_to_new.items()
               if len(new) == 1 and code not in tables().new_province)  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        actions.create_service(
            acting_user=world.admin, agency=directory.provider_a,
            data=service_data(name="Mã cũ", areas=old),
        )  # fmt: skip
    message = str(exc.value.errors["areas"][0])
    assert "1 July 2025" in message and tables().old_to_new[old][0] in message


def test_duplicate_service_name_is_a_clear_error(world: World, directory: Directory) -> None:
    with pytest.raises(ValidationFailed) as exc:
        actions.create_service(
            acting_user=world.manager_a, agency=directory.provider_a, data=service_data()
        )
    assert "name" in exc.value.errors


def test_update_service_with_version(world: World, directory: Directory) -> None:
    service = actions.update_service(
        directory.commune_a1, acting_user=world.manager_a, expected_version=1,
        data={"capacity": "", "areas": f"{COMMUNE_A1} {COMMUNE_A2}"},
    )  # fmt: skip
    assert service.capacity is None and service.version == 2
    assert service.areas.count() == 2
    with pytest.raises(Conflict):
        actions.update_service(
            service, acting_user=world.manager_a, expected_version=1, data={"name": "Stale"}
        )
    assert Service.objects.get(pk=service.pk).name == directory.commune_a1.name


def test_set_coverage_replaces_areas(world: World, directory: Directory) -> None:
    service = actions.set_coverage(
        directory.commune_a1, acting_user=world.manager_a, expected_version=1,
        coverage_level="province", areas=[PROVINCE_A],
    )  # fmt: skip
    assert service.coverage_level == "province"
    assert list(service.areas.values_list("province_id", flat=True)) == [PROVINCE_A]
    assert len(events("service.coverage")) == 1


def test_close_and_reopen(world: World, directory: Directory) -> None:
    service = directory.commune_a1
    closed = actions.close_service(
        service, acting_user=world.manager_a, expected_version=1, reason="Hết kinh phí"
    )
    assert not closed.is_active and closed.closed_at is not None
    with pytest.raises(IllegalTransition):  # a double click
        actions.close_service(service, acting_user=world.manager_a, expected_version=1)
    with pytest.raises(ActionNotAllowed):
        actions.reopen_service(closed, acting_user=world.manager_b, expected_version=2)
    opened = actions.reopen_service(closed, acting_user=world.manager_a, expected_version=2)
    assert opened.is_active and opened.closed_at is None
    assert [len(events(a)) for a in ("service.close", "service.reopen")] == [2, 1]


def test_manager_b_cannot_touch_services_of_a(world: World, directory: Directory) -> None:
    with pytest.raises(ActionNotAllowed):
        actions.update_service(
            directory.commune_a1, acting_user=world.manager_b, expected_version=1,
            data={"name": "B"},
        )  # fmt: skip
    with pytest.raises(ActionNotAllowed):
        actions.create_service(
            acting_user=world.manager_b, agency=directory.provider_a, data=service_data(name="B")
        )
    assert not events("service.update")
