"""Demo data: users for every role, agencies, and synthetic cases with real timelines.

Everything is made by the project's own generators and actions; no real person's data.
Passwords are random per data folder and kept (readable only by the owner) so that a
second ``baove demo`` prints the same sign-ins.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import secrets
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from baove.accounts import actions as account_actions
from baove.accounts.models import Agency, User
from baove.cases import actions as case_actions
from baove.cases.models import Case
from baove.geo.models import Commune, Province

DEMO_PROVINCE = "01"  # Hà Nội
DEMO_COMMUNE = "00004"  # Phường Ba Đình

DEMO_USERS: list[tuple[str, str, str]] = [
    # username, role, where
    ("canbo.xa", "commune_officer", "commune"),
    ("canbo.xa2", "commune_officer", "commune"),
    ("quanly.tinh", "province_manager", "province"),
    ("quanly.tinh2", "province_manager", "province"),
    ("nhanvien.sos", "provider_staff", "agency"),
    ("phantich", "national_analyst", ""),
    ("kiemtoan", "auditor", ""),
    ("quantri", "admin", ""),
]

DEMO_AGENCIES = [
    ("sos-hanoi", "Làng trẻ em SOS Hà Nội", "ngo"),
    ("ctxh-hanoi", "Trung tâm Công tác xã hội Hà Nội", "social_work"),
    ("bv-nhi-tw", "Bệnh viện Nhi Trung ương", "health"),
    ("tongdai-111", "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111", "hotline"),
]

_STORY_CHILDREN: list[dict[str, Any]] = [
    {"family_name": "Nguyễn", "middle_name": "Thị", "given_name": "Hương", "sex": "F", "age": 9},
    {"family_name": "Trần", "middle_name": "Văn", "given_name": "Nam", "sex": "M", "age": 12},
    {"family_name": "Lê", "middle_name": "Ngọc", "given_name": "Anh", "sex": "F", "age": 6},
    {"family_name": "Phạm", "middle_name": "Minh", "given_name": "Khang", "sex": "M", "age": 15},
    {"family_name": "Hoàng", "middle_name": "Thị", "given_name": "Mai", "sex": "F", "age": 4},
    {"family_name": "Vũ", "middle_name": "Đức", "given_name": "Huy", "sex": "M", "age": 10},
]


_PLAN = "1. Tư vấn tâm lý hằng tuần.\n2. Hỗ trợ học tập.\n3. Thăm nhà 2 tuần/lần."


def _logins_path() -> Any:
    return settings.DATA_DIR / "demo-logins.json"


def _save_logins(path: Any, logins: list[list[str]]) -> None:
    path.write_text(json.dumps(logins))
    path.chmod(0o600)


def _new_password(username: str) -> str:
    """A random password that Django's validators accept for ``username``.

    A random string is, now and then, "too similar" to a short user name; draw again then,
    rather than fail the demo.
    """
    for _attempt in range(50):
        password = secrets.token_urlsafe(9)
        try:
            validate_password(password, User(username=username))
        except ValidationError:
            continue
        return password
    raise RuntimeError("could not draw a valid demo password")  # pragma: no cover


def _make_users(commune: Commune, province: Province, agency: Agency) -> list[list[str]]:
    logins: list[list[str]] = []
    for username, role, where in DEMO_USERS:
        password = _new_password(username)
        account_actions.create_user(
            username=username,
            password=password,
            role=role,
            acting_user=None,
            commune=commune if where == "commune" else None,
            province=province if where == "province" else None,
            agency=agency if where == "agency" else None,
        )
        logins.append([username, password, role])
    return logins


def _stories(officer: User, manager: User, deputy: User, agency: Agency) -> None:
    """Walk a few cases through the workflow with actions, so timelines are real."""
    today = timezone.localdate()
    stages = ["reported", "screened", "assessment", "case_plan", "services", "closed"]
    for story, stage in zip(_STORY_CHILDREN, stages, strict=True):
        age = story.pop("age")
        child = {
            **story,
            "birth_date": today - dt.timedelta(days=int(age * 365.25) + 40),
            "commune": DEMO_COMMUNE,
            "ethnicity": "01",
            "birth_registered": "yes",
            "health_insurance": "yes",
        }
        case = case_actions.open_case(
            acting_user=officer,
            child_data=child,
            case_data={
                "categories": ["reported_abuse", "at_risk"] if age > 8 else ["at_risk"],
                "risk_level": "urgent" if stage == "reported" else "high",
                "summary": "Giáo viên chủ nhiệm báo trẻ có vết bầm tím, nghỉ học nhiều ngày.",
                "intake_source": "school",
            },
        )
        if stage == "reported":
            continue
        for step in stages[1 : min(stages.index(stage), 3) + 1]:
            case = case_actions.advance_case(
                case, to_status=step, acting_user=officer, expected_version=case.version
            )
        case_actions.add_note(
            case, text="Đã thăm nhà, gặp mẹ và trẻ. Trẻ sợ hãi khi nhắc đến bố dượng.",
            acting_user=officer,
        )  # fmt: skip
        if stage in ("case_plan", "services", "closed"):
            approval = case_actions.submit_case_plan(case, plan=_PLAN, acting_user=officer)
            if stage == "case_plan":
                continue
            case_actions.decide_approval(approval, approve=True, comment="", acting_user=manager)
            case.refresh_from_db()
            for purpose in ("services", "sharing"):
                case_actions.record_consent(
                    case, purpose=purpose, granted=True, given_by="Nguyễn Thị Lan",
                    relationship="mẹ", acting_user=officer,
                )  # fmt: skip
            case_actions.share_case(case, agency=agency, acting_user=officer)
            case = case_actions.advance_case(
                case, to_status="services", acting_user=officer, expected_version=case.version
            )
        if stage == "closed":
            closure = case_actions.request_closure(
                case, reason="goals_met", note="Trẻ đã ổn định.", acting_user=officer
            )
            case_actions.decide_approval(closure, approve=True, comment="", acting_user=deputy)


def _services_stories(officer: User, provider: User) -> None:
    """Referrals, a screening and placements on the story cases, through the actions."""
    from baove.placements import actions as placement_actions
    from baove.referrals import actions as referral_actions
    from baove.screening import actions as screening_actions
    from baove.services.reads import reachable_services

    stories = list(
        Case.objects.filter(commune_id=DEMO_COMMUNE, owner=officer).order_by("pk")[
            : len(_STORY_CHILDREN)
        ]
    )
    in_services = [c for c in stories if c.status == "services"]
    screened = [c for c in stories if c.status in ("screened", "assessment")]
    today = timezone.localdate()
    for case in screened[:2]:
        screening_actions.record_screening(
            case,
            answers={"violence_signs": True, "out_of_school": True, "poverty": "poor"},
            kind="intake",
            acting_user=officer,
        )
    for n, case in enumerate(in_services):
        reachable = [
            r.service
            for r in reachable_services(case.commune)
            if r.service.agency_id == provider.agency_id and r.service.accepts_referrals
        ]
        if reachable:
            referral = referral_actions.send_referral(
                case,
                service=reachable[0],
                urgency="urgent",
                reason="Trẻ cần được hỗ trợ tâm lý sau khi bị bạo lực.",
                shared_fields=["name", "age", "sex", "commune", "reason"],
                acting_user=officer,
                idempotency_key=f"demo-{case.pk}",
            )
            if n == 0:
                referral_actions.accept(
                    referral, acting_user=provider, expected_version=referral.version
                )
        placement_actions.record_placement(
            case,
            acting_user=officer,
            placement_type="kinship",
            start_date=today - dt.timedelta(days=200),
            reason="Mẹ đi làm xa; trẻ ở với bà ngoại.",
            carer_name="Nguyễn Thị Hoa",
            carer_relationship="bà ngoại",
        )
    if screened:
        # A residential placement waiting for the province manager's decision.
        placement_actions.record_placement(
            screened[0],
            acting_user=officer,
            placement_type="residential",
            start_date=today,
            reason="Trẻ không an toàn ở nhà; chưa tìm được gia đình chăm sóc thay thế.",
            agency=Agency.objects.get(code="ctxh-hanoi"),
            facility_type="social_protection_centre",
            ruled_out={
                "parents": "Bố dượng là người gây bạo lực; mẹ chưa bảo vệ được trẻ.",
                "kinship": "Ông bà đã mất; họ hàng ở xa không nhận chăm sóc.",
                "foster": "Chưa có gia đình nhận chăm sóc thay thế tại xã.",
                "community": "Chưa có mô hình chăm sóc dựa vào cộng đồng phù hợp.",
            },
            justification="Tạm thời, trong khi tìm gia đình nhận chăm sóc thay thế.",
        )


def prepare_demo(*, cases: int = 3000, stdout: IO[str] | None = None) -> list[list[str]]:
    """Create (once) the demo world in the configured database and return the sign-ins.

    Args:
        cases: How many synthetic cases to generate on the first run.
        stdout: Where to print progress.

    Returns:
        ``[username, password, role]`` for each demo user.
    """
    call_command("migrate", "--no-input", verbosity=0)
    path = _logins_path()
    existing = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in DEMO_USERS])}
    if existing and path.exists():
        logins: list[list[str]] = json.loads(path.read_text())
        return logins
    if existing:
        # The demo ran here before but its sign-ins were lost: give the users new passwords.
        logins = []
        for username, role, _where in DEMO_USERS:
            if username in existing:
                password = _new_password(username)
                account_actions.set_password(existing[username], password=password,
                                             acting_user=None)  # fmt: skip
                logins.append([username, password, role])
        _save_logins(path, logins)
        return logins
    province = Province.objects.get(code=DEMO_PROVINCE)
    commune = Commune.objects.get(code=DEMO_COMMUNE)
    agencies = {
        code: account_actions.create_agency(
            code=code, name=name, sector=sector, province=province, acting_user=None
        )
        for code, name, sector in DEMO_AGENCIES
    }
    logins = _make_users(commune, province, agencies["sos-hanoi"])
    users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in logins])}
    _stories(users["canbo.xa"], users["quanly.tinh"], users["quanly.tinh2"], agencies["sos-hanoi"])
    from baove.dashboards.demo import seed_indicators
    from baove.services.demo import seed_directory

    # The directory reuses the demo agencies above by their codes (sos-hanoi, ctxh-hanoi).
    directory = seed_directory()
    if stdout is not None:
        stdout.write(f"baove demo: service directory {directory}\n")
    _services_stories(users["canbo.xa"], users["nhanvien.sos"])
    if cases > 0:
        from baove.registry.seeding import seed

        result = seed(
            cases,
            focus_communes=[DEMO_COMMUNE],
            focus_share=0.05,
            owner_for_commune={DEMO_COMMUNE: users["canbo.xa"].pk},
            stdout=stdout,
        )
        if stdout is not None:
            stdout.write(f"baove demo: {result}\n")
    # So that "may already be known" at intake finds the demo's registered children.
    call_command("link_index_registry", stdout=stdout or io.StringIO())
    # Synthetic survey rounds for the indicator explorer and scorecards (labelled synthetic).
    seed_indicators(stdout=stdout)
    # matplotlib builds its font cache on first use (tens of seconds on a busy machine):
    # pay it here rather than in the first PDF report someone downloads.
    import matplotlib.font_manager  # noqa: F401

    _save_logins(path, logins)
    if stdout is not None:
        stdout.write(f"baove demo: {Case.objects.count()} cases ready\n")
    return logins
