"""The canonical test world, built by calling actions (never by writing rows directly).

Two provinces (Hà Nội "A" and Hồ Chí Minh City "B"), two communes in A and one in B, two
agencies, a user per role, and one case in each commune.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation

from baove.accounts import actions as account_actions
from baove.accounts.models import Agency, User
from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.geo.models import Commune, Province

PASSWORD = "correct-horse-battery-9"

PROVINCE_A, PROVINCE_B = "01", "79"
COMMUNE_A1, COMMUNE_A2, COMMUNE_B1 = "00004", "00008", "25747"


@dataclass
class World:
    """Everything the tests share; attribute names say role and place."""

    province_a: Province
    province_b: Province
    commune_a1: Commune
    commune_a2: Commune
    commune_b1: Commune
    agency_x: Agency
    agency_y: Agency
    officer_a1: User
    officer_a2: User
    officer_b1: User
    manager_a: User
    manager_a_deputy: User
    manager_b: User
    provider_x: User
    provider_y: User
    analyst: User
    auditor: User
    admin: User
    case_a1: Case
    case_a2: Case
    case_b1: Case

    def users(self) -> dict[str, User]:
        """Every user of the world by attribute name."""
        return {k: v for k, v in vars(self).items() if isinstance(v, User)}


def child_data(commune_code: str, **overrides: Any) -> dict[str, Any]:
    """Valid intake data for a new child in ``commune``."""
    data: dict[str, Any] = {
        "family_name": "Nguyễn",
        "middle_name": "Thị",
        "given_name": "Hương",
        "sex": "F",
        "birth_date": timezone.localdate() - dt.timedelta(days=9 * 365),
        "ethnicity": "01",
        "commune": commune_code,
    }
    data.update(overrides)
    return data


def case_data(**overrides: Any) -> dict[str, Any]:
    """Valid case data for intake."""
    data: dict[str, Any] = {
        "categories": ["reported_abuse"],
        "risk_level": "high",
        "summary": "Hàng xóm báo trẻ bị đánh nhiều lần.",
        "intake_source": "community",
    }
    data.update(overrides)
    return data


def build_world() -> World:
    """Build the canonical world through the actions layer."""
    pa, pb = Province.objects.get(code=PROVINCE_A), Province.objects.get(code=PROVINCE_B)
    a1, a2, b1 = (Commune.objects.get(code=c) for c in (COMMUNE_A1, COMMUNE_A2, COMMUNE_B1))
    mk_agency = account_actions.create_agency
    agency_x = mk_agency(
        code="sos-hanoi", name="SOS Làng trẻ em Hà Nội", sector="ngo", province=pa, acting_user=None
    )
    agency_y = mk_agency(
        code="bv-nhi", name="Bệnh viện Nhi", sector="health", province=pb, acting_user=None
    )

    def user(name: str, role: str, **kw: Any) -> User:
        return account_actions.create_user(
            username=name, password=PASSWORD, role=role, acting_user=None, **kw
        )

    officer_a1 = user("officer_a1", "commune_officer", commune=a1)
    officer_a2 = user("officer_a2", "commune_officer", commune=a2)
    officer_b1 = user("officer_b1", "commune_officer", commune=b1)
    manager_a = user("manager_a", "province_manager", province=pa)
    manager_a_deputy = user("manager_a_deputy", "province_manager", province=pa)
    manager_b = user("manager_b", "province_manager", province=pb)
    provider_x = user("provider_x", "provider_staff", agency=agency_x)
    provider_y = user("provider_y", "provider_staff", agency=agency_y)
    analyst = user("analyst", "national_analyst")
    auditor = user("auditor", "auditor")
    admin = user("admin", "admin")

    def new_case(officer: User, commune: str, **child: Any) -> Case:
        return case_actions.open_case(
            acting_user=officer, child_data=child_data(commune, **child), case_data=case_data()
        )

    return World(
        province_a=pa, province_b=pb, commune_a1=a1, commune_a2=a2, commune_b1=b1,
        agency_x=agency_x, agency_y=agency_y, officer_a1=officer_a1, officer_a2=officer_a2,
        officer_b1=officer_b1, manager_a=manager_a, manager_a_deputy=manager_a_deputy,
        manager_b=manager_b, provider_x=provider_x, provider_y=provider_y, analyst=analyst,
        auditor=auditor, admin=admin,
        case_a1=new_case(officer_a1, COMMUNE_A1),
        case_a2=new_case(officer_a2, COMMUNE_A2, family_name="Trần", given_name="Lan"),
        case_b1=new_case(officer_b1, COMMUNE_B1, family_name="Huỳnh", middle_name="Văn",
                         given_name="Nam", sex="M"),
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _english_outside_requests() -> Iterator[None]:
    # Messages built outside a request (actions, imports, reads) follow the active
    # language, and a test client request leaves its own activated in the thread; start
    # every test in English so assertions on English texts do not depend on test order.
    # Tests of the Vietnamese texts say translation.override("vi"); requests still follow
    # their Accept-Language and cookie through LocaleMiddleware.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Argon2 is the production hasher (tested in test_accounts); tests hash fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    """The canonical world (see module docstring)."""
    return build_world()


def share_with(world: World, case: Case, agency: Agency, by: User) -> None:
    """Record sharing consent and share ``case`` with ``agency`` (through actions)."""
    case_actions.record_consent(
        case, purpose="sharing", granted=True, given_by="Nguyễn Văn Bình",
        relationship="father", acting_user=by,
    )  # fmt: skip
    case_actions.share_case(case, agency=agency, acting_user=by)
