"""Bulk seeding of synthetic data (``baove.registry.seeding`` and ``manage.py seed``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from baove.accounts.models import User
from baove.accounts.roles import Role
from baove.audit.models import AuditEvent
from baove.cases.models import Approval, Case, CaseCategory, CaseNote, Consent
from baove.core.text import fold, fold_name
from baove.geo.models import Commune
from baove.registry.idnumber import validate_id_number
from baove.registry.models import Caregiver, Child, ChildCaregiver, Household
from baove.registry.seeding import SeedResult, seed

pytestmark = pytest.mark.django_db

COUNTED = {
    "cases": Case,
    "children": Child,
    "households": Household,
    "caregivers": Caregiver,
    "child_caregivers": ChildCaregiver,
    "case_categories": CaseCategory,
    "consents": Consent,
    "notes": CaseNote,
    "approvals": Approval,
}


def db_counts() -> dict[str, int]:
    return {name: model._default_manager.count() for name, model in COUNTED.items()}


@pytest.fixture
def seeded() -> SeedResult:
    return seed(300, seed=5)


def test_counts_match(seeded: SeedResult) -> None:
    assert seeded.cases == 300
    assert db_counts() == {name: getattr(seeded, name) for name in COUNTED}
    assert seeded.children >= 250 and seeded.households >= 200
    assert seeded.case_categories >= 300 and seeded.consents > 0
    assert seeded.rows == sum(db_counts().values()) + seeded.users_created
    assert seeded.vendor == connection.vendor
    assert seeded.seconds > 0


def test_every_case_is_owned_by_an_officer_of_its_commune(seeded: SeedResult) -> None:
    officers = User.objects.filter(username__startswith="officer.")
    assert officers.count() == seeded.users_created
    assert seeded.users_created == Case.objects.values("commune").distinct().count()
    for case in Case.objects.select_related("owner", "child"):
        owner = case.owner
        assert owner.role == Role.COMMUNE_OFFICER
        assert owner.commune_id == case.commune_id
        assert owner.province_id == case.province_id
        assert owner.username == f"officer.{case.commune_id}"
        assert owner.is_active and not owner.has_usable_password()
        assert case.child.commune_id == case.commune_id
        assert case.name_folded == case.child.name_folded
    assert Consent.objects.exclude(recorded_by=F("case__owner")).count() == 0
    assert CaseNote.objects.exclude(author=F("case__owner")).count() == 0
    assert Approval.objects.exclude(requested_by=F("case__owner")).count() == 0


def test_names_ids_and_dates_are_stored_as_django_reads_them(seeded: SeedResult) -> None:
    now = timezone.now()
    for child in Child.objects.all():
        assert child.name_folded == fold_name(
            child.family_name, child.middle_name, child.given_name
        )
        assert child.given_first_folded == fold(
            " ".join(p for p in (child.given_name, child.family_name, child.middle_name) if p)
        )
        if child.id_number is not None:
            validate_id_number(child.id_number, sex=child.sex, birth_date=child.birth_date)
        assert child.created_at <= now
    for case in Case.objects.all():
        assert timezone.is_aware(case.reported_at)
        assert case.reported_at <= now and case.response_due_at > case.reported_at
        assert case.created_at == case.reported_at
        assert case.is_open == (case.status != "closed")
    approval = Approval.objects.first()
    assert approval is not None and approval.status == "pending" and approval.payload["plan"]
    assert Case.objects.filter(reported_at__gte=now - dt.timedelta(days=3 * 366)).count() == 300
    # every case has 1-3 categories
    per_case = Case.objects.annotate(n=Count("categories")).values_list("n", flat=True)
    assert set(per_case) <= {1, 2, 3}


def test_exactly_one_audit_event(seeded: SeedResult) -> None:
    events = list(AuditEvent.objects.all())
    assert len(events) == 1
    event = events[0]
    assert event.action == "seed.bulk_load" and event.actor is None
    assert event.details["cases"] == 300
    assert event.details["children"] == seeded.children


def test_seeding_twice_adds_without_collisions(seeded: SeedResult) -> None:
    first = db_counts()
    again = seed(300, seed=5)
    assert again.cases == 300
    after = db_counts()
    assert after == {name: first[name] + getattr(again, name) for name in COUNTED}
    refs = Case.objects.values_list("reference", flat=True)
    assert len(set(refs)) == after["cases"]
    numbers = list(Child.objects.exclude(id_number=None).values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))
    # officers are reused, only communes new to this run get one
    assert User.objects.filter(username__startswith="officer.").count() == (
        seeded.users_created + again.users_created
    )
    assert again.users_created < 300
    assert AuditEvent.objects.filter(action="seed.bulk_load").count() == 2
    # a different run: not the same people again
    first_names = set(Child.objects.filter(id__lte=seeded.children).values_list("name_folded"))
    second_names = set(Child.objects.filter(id__gt=seeded.children).values_list("name_folded"))
    assert first_names != second_names
    connection.check_constraints()


def test_orm_inserts_after_seeding_get_fresh_ids(seeded: SeedResult) -> None:
    max_child = max(Child.objects.values_list("id", flat=True))
    max_case = max(Case.objects.values_list("id", flat=True))
    commune = Commune.objects.first()
    assert commune is not None
    owner = User.objects.create_user(
        "new.officer", role=Role.COMMUNE_OFFICER, commune=commune, province=commune.province
    )
    household = Household.objects.create(commune=commune)
    child = Child.objects.create(
        given_name="An",
        name_folded="an",
        given_first_folded="an",
        sex="F",
        birth_date=timezone.now().date(),
        commune=commune,
        province=commune.province,
        household=household,
    )
    now = timezone.now()
    case = Case.objects.create(
        reference="ZZ-99-TEST01",
        child=child,
        risk_level="low",
        commune=commune,
        province=commune.province,
        owner=owner,
        reported_at=now,
        response_due_at=now,
    )
    CaseCategory.objects.create(case=case, code="at_risk")
    Consent.objects.create(
        case=case, purpose="services", granted=True, given_by="X", relationship="mother",
        recorded_by=owner,
    )  # fmt: skip
    CaseNote.objects.create(case=case, author=owner, text="x")
    Approval.objects.create(case=case, kind="closure", requested_by=owner)
    caregiver = Caregiver.objects.create(full_name="Nguyễn Thị B", household=household)
    ChildCaregiver.objects.create(child=child, caregiver=caregiver, relationship="mother")
    assert child.id > max_child and case.id > max_case
    assert owner.id > max(User.objects.exclude(id=owner.id).values_list("id", flat=True))


def test_owner_for_commune_and_focus() -> None:
    commune = Commune.objects.order_by("code").first()
    assert commune is not None
    user = User.objects.create_user(
        "chosen", role=Role.COMMUNE_OFFICER, commune=commune, province=commune.province
    )
    result = seed(
        60,
        seed=3,
        focus_communes=[commune.code],
        focus_share=1.0,
        owner_for_commune={commune.code: user.pk},
    )
    assert result.users_created == 0
    assert Case.objects.filter(owner=user, commune=commune).count() == 60
    assert Consent.objects.exclude(recorded_by=user).count() == 0


def test_seed_command() -> None:
    out = io.StringIO()
    call_command("seed", "--cases", "25", "--seed", "2", stdout=out)
    text = out.getvalue()
    assert "cases: 25" in text
    assert "Seeded 25 cases" in text
    assert Case.objects.count() == 25
