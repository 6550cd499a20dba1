"""Tests of the web pages: permissions, forms, errors, flows through the pages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from baove.accounts.models import User
from baove.audit.models import AuditEvent
from baove.cases import actions
from baove.cases.models import Approval, Case, CaseNote, Consent
from baove.registry.models import Caregiver, Child
from baove.web import views

from .conftest import PASSWORD, World, case_data, child_data, share_with

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user: User, language: str = "en") -> Client:
    """Sign ``user`` in and choose the page language (English keeps assertions readable)."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def main_part(page: str) -> str:
    """The ``<main>`` element of a page (the header holds per-response CSRF tokens)."""
    match = re.search(r"<main.*</main>", page, re.S)
    assert match is not None
    return match.group(0)


def case_url(case: Case, action: str = "") -> str:
    return reverse(f"web:case_{action}" if action else "web:case", args=[case.pk])


def counts() -> tuple[int, int, int]:
    return Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()


def walk_to_case_plan(client: Client, case: Case) -> Case:
    """Advance ``case`` to the case plan stage through the advance form."""
    for stage in ("screened", "assessment", "case_plan"):
        case.refresh_from_db()
        response = client.post(
            case_url(case, "advance"), {"to_status": stage, "version": case.version}
        )
        assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "case_plan"
    return case


# --------------------------------------------------------------------------- access


PAGES_BY_ROLE = [
    ("web:caseload", "officer_a1"),
    ("web:caseload", "manager_a"),
    ("web:caseload", "provider_x"),
    ("web:search", "officer_a1"),
    ("web:search", "manager_a"),
    ("web:intake", "officer_a1"),
    ("web:intake", "manager_a"),
    ("web:approvals", "manager_a"),
    ("web:stats", "analyst"),
    ("web:stats", "manager_a"),
    ("web:audit", "auditor"),
    ("web:users", "admin"),
]


@pytest.mark.parametrize(("page", "who"), PAGES_BY_ROLE)
def test_page_renders_for_roles_that_may_see_it(
    client: Client, world: World, page: str, who: str
) -> None:
    signed_in(client, world.users()[who])
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert "<h1>" in text(response)


REFUSED = [
    ("web:search", "provider_x"),
    ("web:search", "analyst"),
    ("web:intake", "provider_x"),
    ("web:intake", "auditor"),
    ("web:approvals", "officer_a1"),
    ("web:approvals", "admin"),
    ("web:stats", "officer_a1"),
    ("web:stats", "auditor"),
    ("web:audit", "officer_a1"),
    ("web:audit", "manager_a"),
    ("web:audit", "admin"),
    ("web:users", "officer_a1"),
    ("web:users", "auditor"),
    ("web:export", "provider_x"),
    ("web:export", "analyst"),
]


@pytest.mark.parametrize(("page", "who"), REFUSED)
def test_page_is_refused_for_roles_without_the_permission(
    client: Client, world: World, page: str, who: str
) -> None:
    signed_in(client, world.users()[who])
    response = client.get(reverse(page))
    assert response.status_code == 403
    assert "Not allowed" in text(response)


@pytest.mark.parametrize(
    ("who", "home"), [("analyst", "web:stats"), ("auditor", "web:audit"), ("admin", "web:users")]
)
def test_roles_without_case_access_are_sent_to_their_home_page(
    client: Client, world: World, who: str, home: str
) -> None:
    signed_in(client, world.users()[who])
    response = client.get(reverse("web:caseload"))
    assert response.status_code == 302 and response["Location"] == reverse(home)
    response = client.get(reverse("web:home"))
    assert response["Location"] == reverse(home)


@pytest.mark.parametrize(
    "url", ["/", "/cases/", "/cases/1/", "/search/", "/cases/new/", "/audit/", "/users/"]
)
def test_every_page_needs_sign_in(client: Client, world: World, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_navigation_shows_only_what_the_role_may_do(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("web:caseload")))
    assert reverse("web:intake") in page and reverse("web:search") in page
    assert reverse("web:audit") not in page and reverse("web:users") not in page
    assert "officer_a1" in page and "Commune child protection officer" in page
    assert world.commune_a1.name in page
    signed_in(client, world.auditor)
    page = text(client.get(reverse("web:audit")))
    assert reverse("web:intake") not in page and reverse("web:caseload") not in page


def test_case_out_of_scope_is_the_same_404_as_a_missing_case(client: Client, world: World) -> None:
    signed_in(client, world.officer_b1)
    hidden = client.get(case_url(world.case_a1))
    missing = client.get(reverse("web:case", args=[987654321]))
    assert hidden.status_code == missing.status_code == 404
    assert main_part(text(hidden)) == main_part(text(missing))
    assert world.case_a1.reference not in text(hidden)
    for who in ("analyst", "auditor", "admin", "provider_y", "officer_a2"):
        signed_in(client, world.users()[who])
        assert client.get(case_url(world.case_a1)).status_code == 404


def test_out_of_scope_posts_are_404_and_change_nothing(client: Client, world: World) -> None:
    signed_in(client, world.officer_b1)
    before = counts()
    for action, data in [
        ("advance", {"to_status": "screened", "version": "1"}),
        ("note", {"text": "x"}),
        ("update", {"risk_level": "low", "categories": ["at_risk"], "summary": "x"}),
    ]:
        assert client.post(case_url(world.case_a1, action), data).status_code == 404
    assert counts() == before


# --------------------------------------------------------------------------- caseload


def test_caseload_lists_my_open_cases_with_counts(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    response = client.get(reverse("web:caseload"))
    page = text(response)
    assert world.case_a1.reference in page and "Nguyễn Thị Hương" in page
    assert world.case_a2.reference not in page and world.case_b1.reference not in page
    assert "1 open case" in page and "0 overdue" in page
    assert reverse("web:export") in page  # officers may export


def test_caseload_shows_overdue_with_text(client: Client, world: World) -> None:
    past = timezone.now() - dt.timedelta(days=3)
    actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(world.commune_a1.code, given_name="Mai"),
        case_data=case_data(reported_at=past),
    )
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("web:caseload"), {"overdue": "on"}))
    assert "Overdue" in page and "1 overdue" in page
    assert "Nguyễn Thị Mai" in page and "Nguyễn Thị Hương" not in page


def test_manager_sees_the_province_and_filters(client: Client, world: World) -> None:
    signed_in(client, world.manager_a)
    page = text(client.get(reverse("web:caseload")))
    assert world.case_a1.reference in page and world.case_a2.reference in page
    assert world.case_b1.reference not in page
    page = text(client.get(reverse("web:caseload"), {"scope": "mine"}))
    assert world.case_a1.reference not in page
    page = text(client.get(reverse("web:caseload"), {"scope": "all", "risk": "low"}))
    assert world.case_a1.reference not in page
    page = text(client.get(reverse("web:caseload"), {"scope": "all", "status": "reported"}))
    assert world.case_a1.reference in page


def test_provider_sees_cases_shared_with_the_agency(client: Client, world: World) -> None:
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    signed_in(client, world.provider_x)
    page = text(client.get(reverse("web:caseload")))
    assert world.case_a1.reference in page and world.case_a2.reference not in page
    signed_in(client, world.provider_y)
    assert world.case_a1.reference not in text(client.get(reverse("web:caseload")))


def test_caseload_paginates(client: Client, world: World) -> None:
    for i in range(views.CASELOAD_PER_PAGE + 2):
        actions.open_case(
            acting_user=world.officer_a1,
            child_data=child_data(world.commune_a1.code, given_name=f"Bé{i}"),
            case_data=case_data(),
        )
    signed_in(client, world.officer_a1)
    first = text(client.get(reverse("web:caseload")))
    assert "Page 1 of 2" in first
    second = client.get(reverse("web:caseload"), {"page": "2"})
    assert second.status_code == 200 and "Page 2 of 2" in text(second)


# --------------------------------------------------------------------------- search


def test_search_without_tones_finds_the_case_in_scope_only(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("web:search"), {"q": "nguyen thi huong"}))
    assert world.case_a1.reference in page and "Nguyễn Thị Hương" in page
    signed_in(client, world.officer_b1)
    page = text(client.get(reverse("web:search"), {"q": "nguyen thi huong"}))
    assert world.case_a1.reference not in page and "0 cases found" in page


def test_search_with_tones_reference_and_id_number(client: Client, world: World) -> None:
    actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(
            world.commune_a1.code,
            family_name="Le",
            middle_name="Van",
            given_name="Tuan",
            sex="M",
            birth_date=timezone.localdate().replace(year=2015, month=3, day=1),
            id_number="001215012345",
        ),
        case_data=case_data(),
    )
    signed_in(client, world.manager_a)
    page = text(client.get(reverse("web:search"), {"q": "Lê Văn Tuấn"}))
    assert "Le Van Tuan" in page
    page = text(client.get(reverse("web:search"), {"q": world.case_a2.reference.lower()}))
    assert world.case_a2.reference in page and world.case_a1.reference not in page
    page = text(client.get(reverse("web:search"), {"q": "001 215 012345"}))
    assert "Le Van Tuan" in page and "1 case found" in page


def test_search_is_audited(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    client.get(reverse("web:search"), {"q": "huong"})
    event = AuditEvent.objects.filter(action="case.search").latest("id")
    assert event.details["results"] == [world.case_a1.pk]
    assert event.channel == "web"


# --------------------------------------------------------------------------- intake


def intake_post(commune: str, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "family_name": "Phạm",
        "middle_name": "Thị",
        "given_name": "Lan",
        "sex": "F",
        "birth_date": (timezone.localdate() - dt.timedelta(days=8 * 365)).isoformat(),
        "ethnicity": "01",
        "disability": "none",
        "id_number": "",
        "birth_registered": "yes",
        "health_insurance": "unknown",
        "commune": commune,
        "address": "Thôn 3",
        "categories": ["reported_abuse", "at_risk"],
        "risk_level": "high",
        "intake_source": "school",
        "summary": "Cô giáo báo trẻ có vết bầm tím.",
    }
    data.update(overrides)
    return data


def test_intake_opens_a_case_and_redirects_to_it(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    response = client.post(
        reverse("web:intake"), intake_post(world.commune_a1.code, birth_date_estimated="on")
    )
    assert response.status_code == 302
    case = Case.objects.latest("id")
    assert response["Location"] == case_url(case)
    assert case.owner == world.officer_a1 and case.child.full_name == "Phạm Thị Lan"
    assert case.child.birth_date_estimated and case.intake_source == "school"
    assert set(case.categories.values_list("code", flat=True)) == {"reported_abuse", "at_risk"}
    page = text(client.get(response["Location"]))
    assert f"Case {case.reference} was opened." in page


def test_intake_commune_is_fixed_for_officers_and_a_choice_for_managers(
    client: Client, world: World
) -> None:
    signed_in(client, world.officer_a1)
    form = client.get(reverse("web:intake")).context["form"]
    assert [code for code, _label in form.fields["commune"].choices] == [world.commune_a1.code]
    signed_in(client, world.manager_a)
    form = client.get(reverse("web:intake")).context["form"]
    codes = {code for code, _label in form.fields["commune"].choices}
    assert {world.commune_a1.code, world.commune_a2.code} <= codes
    assert world.commune_b1.code not in codes
    assert len(form.fields["ethnicity"].choices) == 54


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "2020-02-30"}, "birth_date"),
        ({"birth_date": ""}, "birth_date"),
        ({"commune": "99999"}, "commune"),
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": "abcdefghijkl"}, "id_number"),
        ({"given_name": "Hư\x01ơng"}, "given_name"),
        ({"given_name": "Hư\x00ơng"}, "given_name"),
        ({"given_name": "A" * 5000}, "given_name"),
        ({"summary": "x" * 4001}, "summary"),
        ({"given_name": ""}, "given_name"),
        ({"sex": "X"}, "sex"),
        ({"ethnicity": "77"}, "ethnicity"),
        ({"categories": ["nope"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"risk_level": ""}, "risk_level"),
    ],
)
def test_intake_bad_input_shows_field_errors_and_writes_nothing(
    client: Client, world: World, override: dict[str, Any], field: str
) -> None:
    signed_in(client, world.officer_a1)
    before = counts()
    response = client.post(reverse("web:intake"), intake_post(world.commune_a1.code, **override))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors.get(field), form.errors
    assert f'id="intake-{field}_error"' in text(response) or field == "categories"
    assert counts() == before
    # the user's input comes back in the form
    assert "Phạm" in text(response)


def test_intake_shows_all_errors_at_once(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    response = client.post(
        reverse("web:intake"),
        intake_post(world.commune_a1.code, birth_date="2999-01-01", sex="", summary=""),
    )
    assert response.status_code == 400
    assert {"birth_date", "sex", "summary"} <= set(response.context["form"].errors)


def test_intake_in_another_area_is_refused(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    before = counts()
    response = client.post(reverse("web:intake"), intake_post(world.commune_b1.code))
    assert response.status_code == 403
    assert "outside your area" in text(response)
    assert counts() == before


def test_intake_error_messages_are_vietnamese_by_default(client: Client, world: World) -> None:
    client.force_login(world.officer_a1)
    response = client.post(
        reverse("web:intake"), intake_post(world.commune_a1.code, birth_date="2999-01-01")
    )
    assert response.status_code == 400
    assert "This date is in the future." not in text(response)
    assert 'lang="vi"' in text(response)


# --------------------------------------------------------------------------- case page


def test_case_page_shows_the_case_and_audits_the_read(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    before = AuditEvent.objects.filter(action="case.view", case_id=world.case_a1.pk).count()
    response = client.get(case_url(world.case_a1))
    assert response.status_code == 200
    page = text(response)
    assert world.case_a1.reference in page and "Nguyễn Thị Hương" in page
    assert "Opened the case" in page  # timeline with translated action names
    assert 'aria-current="step"' in page
    after = AuditEvent.objects.filter(action="case.view", case_id=world.case_a1.pk)
    assert after.count() == before + 1
    assert after.latest("id").actor == world.officer_a1


def test_case_page_offers_only_allowed_actions(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    page = text(client.get(case_url(world.case_a1)))
    assert 'value="screened"' in page and 'value="assessment"' not in page
    assert case_url(world.case_a1, "reopen") not in page
    assert case_url(world.case_a1, "plan") not in page  # not at the plan stage
    assert case_url(world.case_a1, "share") not in page  # no sharing consent yet
    assert "Record consent to share" in page
    assert case_url(world.case_a1, "update") in page and case_url(world.case_a1, "close") in page

    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    signed_in(client, world.provider_x)
    page = text(client.get(case_url(world.case_a1)))
    assert case_url(world.case_a1, "note") in page
    for action in ("advance", "update", "consent", "close", "assign", "share", "caregiver"):
        assert case_url(world.case_a1, action) not in page, action


def test_case_page_query_count_does_not_grow_with_the_case(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    case = world.case_a1
    for i in range(30):
        actions.add_note(case, text=f"Ghi chú {i}", acting_user=world.officer_a1)
        actions.record_consent(
            case, purpose="services", granted=True, given_by=f"Người {i}",
            relationship="mẹ", acting_user=world.officer_a1,
        )  # fmt: skip
    signed_in(client, world.officer_a1)
    with django_assert_max_num_queries(40):
        response = client.get(case_url(case))
    assert response.status_code == 200 and "Ghi chú 29" in text(response)


def test_advance_through_the_page(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    response = client.post(
        case_url(world.case_a1, "advance"), {"to_status": "screened", "version": "1"}
    )
    assert response.status_code == 302 and response["Location"] == case_url(world.case_a1)
    world.case_a1.refresh_from_db()
    assert world.case_a1.status == "screened" and world.case_a1.version == 2
    page = text(client.get(response["Location"]))
    assert "The case moved to “Screened”." in page
    assert 'value="assessment"' in page


def test_advance_with_a_stale_version_is_a_conflict(client: Client, world: World) -> None:
    case = world.case_a1
    actions.update_case(case, acting_user=world.manager_a, expected_version=1, risk_level="low")
    signed_in(client, world.officer_a1)
    before = AuditEvent.objects.exclude(action="case.view").count()
    response = client.post(case_url(case, "advance"), {"to_status": "screened", "version": "1"})
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "Someone else changed this case" in page
    case.refresh_from_db()
    assert case.status == "reported" and case.version == 2 and case.risk_level == "low"
    # the only new event is the audited read of the reloaded page
    assert AuditEvent.objects.exclude(action="case.view").count() == before


def test_illegal_step_shows_a_message(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    response = client.post(
        case_url(world.case_a1, "advance"), {"to_status": "closed", "version": "1"}, follow=True
    )
    assert "cannot move" in text(response)
    world.case_a1.refresh_from_db()
    assert world.case_a1.status == "reported"


def test_update_note_consent_assign_share_caregiver(client: Client, world: World) -> None:
    case = world.case_a1
    signed_in(client, world.officer_a1)
    response = client.post(
        case_url(case, "update"),
        {"risk_level": "urgent", "categories": ["at_risk"], "summary": "Mới", "version": "1"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.risk_level == "urgent" and case.summary == "Mới"
    assert list(case.categories.values_list("code", flat=True)) == ["at_risk"]

    assert client.post(case_url(case, "note"), {"text": "Đã thăm nhà."}).status_code == 302
    assert CaseNote.objects.get(case=case).text == "Đã thăm nhà."

    response = client.post(
        case_url(case, "consent"),
        {"purpose": "sharing", "granted": "yes", "given_by": "Lê Thị Mai", "relationship": "mẹ"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    assert consent.granted

    response = client.post(case_url(case, "assign"), {"user": world.manager_a.pk})
    assert response.status_code == 302
    assert case.assignments.filter(user=world.manager_a).exists()

    response = client.post(case_url(case, "share"), {"agency": world.agency_x.pk})
    assert response.status_code == 302
    assert case.shares.filter(agency=world.agency_x).exists()

    response = client.post(
        case_url(case, "caregiver"),
        {"full_name": "Lê Thị Mai", "relationship": "mother", "phone": "0912 345 678",
         "is_primary": "on", "lives_with_child": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Caregiver.objects.filter(full_name="Lê Thị Mai", phone="0912 345 678").exists()

    page = text(client.get(case_url(case)))
    assert "Lê Thị Mai" in page and "Đã thăm nhà." in page and world.agency_x.name in page

    response = client.post(reverse("web:consent_withdraw", args=[case.pk, consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not case.shares.filter(revoked_at__isnull=True).exists()


def test_case_form_errors_are_shown_next_to_the_field(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    before = counts()
    response = client.post(case_url(world.case_a1, "note"), {"text": "   "})
    assert response.status_code == 400
    assert response.context["forms"]["note"].errors["text"]
    assert 'id="note-text_error"' in text(response)
    response = client.post(
        case_url(world.case_a1, "consent"),
        {"purpose": "services", "granted": "maybe", "given_by": "", "relationship": "mẹ"},
    )
    assert response.status_code == 400
    errors = response.context["forms"]["consent"].errors
    assert {"granted", "given_by"} <= set(errors)
    assert 'value="mẹ"' in text(response)  # the input comes back
    # only the audited re-reads of the page were written
    assert counts()[:2] == before[:2]
    assert AuditEvent.objects.exclude(action="case.view").count() == before[2]


def test_provider_may_add_a_note_but_not_advance(client: Client, world: World) -> None:
    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    signed_in(client, world.provider_x)
    assert client.post(case_url(world.case_a1, "note"), {"text": "Đã khám."}).status_code == 302
    response = client.post(
        case_url(world.case_a1, "advance"), {"to_status": "screened", "version": "1"}, follow=True
    )
    assert "does not allow" in text(response)
    world.case_a1.refresh_from_db()
    assert world.case_a1.status == "reported"


# --------------------------------------------------------------------------- approvals


def test_case_plan_and_closure_approvals_flow_through_the_pages(
    client: Client, world: World
) -> None:
    officer, manager = Client(), Client()
    signed_in(officer, world.officer_a1)
    signed_in(manager, world.manager_a)
    case = walk_to_case_plan(officer, world.case_a1)
    assert officer.post(case_url(case, "plan"), {"plan": "Thăm nhà hằng tuần"}).status_code == 302
    approval = Approval.objects.get(case=case, status="pending")

    page = text(manager.get(reverse("web:approvals")))
    assert case.reference in page and "Thăm nhà hằng tuần" in page
    decide = reverse("web:approval_decide", args=[approval.pk])
    # rejecting needs a comment: the form comes back with the error
    response = manager.post(decide, {"decision": "reject", "comment": ""})
    assert response.status_code == 400
    assert response.context["rows"][0]["form"].errors["comment"]
    response = manager.post(decide, {"decision": "approve", "comment": "Đồng ý"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.plan_approved_at is not None and case.plan_text == "Thăm nhà hằng tuần"
    assert "Nothing is waiting" in text(manager.get(reverse("web:approvals")))

    officer.post(
        case_url(case, "consent"),
        {"purpose": "services", "granted": "yes", "given_by": "Lê Thị Mai", "relationship": "mẹ"},
    )
    case.refresh_from_db()
    response = officer.post(
        case_url(case, "advance"), {"to_status": "services", "version": case.version}
    )
    case.refresh_from_db()
    assert case.status == "services"

    # closure: asked by the manager, who cannot decide it; the deputy decides on the case page
    response = manager.post(case_url(case, "close"), {"reason": "goals_met", "note": ""})
    assert response.status_code == 302
    closure = Approval.objects.get(case=case, kind="closure")
    page = text(manager.get(reverse("web:approvals")))
    assert "another manager must decide" in page
    response = manager.post(
        reverse("web:approval_decide", args=[closure.pk]), {"decision": "approve"}, follow=True
    )
    assert "Another manager must decide" in text(response)
    deputy = signed_in(Client(), world.manager_a_deputy)
    assert f'id="decide-{closure.pk}"' in text(deputy.get(case_url(case)))
    response = deputy.post(
        reverse("web:approval_decide", args=[closure.pk]),
        {"decision": "approve", "back": "case"},
    )
    assert response.status_code == 302 and response["Location"] == case_url(case)
    case.refresh_from_db()
    assert case.status == "closed" and not case.is_open

    page = text(officer.get(case_url(case)))
    assert case_url(case, "reopen") in page and case_url(case, "advance") not in page
    response = officer.post(
        case_url(case, "reopen"), {"reason": "Tái phát", "version": case.version}
    )
    case.refresh_from_db()
    assert case.is_open and case.status == "assessment"


def test_decide_out_of_scope_or_as_officer(client: Client, world: World) -> None:
    approval = actions.request_closure(
        world.case_a1, reason="no_concern", note="", acting_user=world.officer_a1
    )
    url = reverse("web:approval_decide", args=[approval.pk])
    signed_in(client, world.manager_b)
    assert client.post(url, {"decision": "approve"}).status_code == 404
    signed_in(client, world.officer_a1)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    signed_in(client, world.manager_a)
    assert client.post(url, {"decision": "maybe"}).status_code == 400
    approval.refresh_from_db()
    assert approval.status == "pending"


# --------------------------------------------------------------------------- export


def test_export_csv_has_the_header_and_neutralises_formulas(client: Client, world: World) -> None:
    actions.open_case(
        acting_user=world.officer_a1,
        child_data=child_data(world.commune_a1.code, family_name="=cmd"),
        case_data=case_data(),
    )
    signed_in(client, world.officer_a1)
    response = client.get(reverse("web:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["reference", "status", "risk_level"]
    names = [row[4] for row in rows[1:]]
    assert "'=cmd Thị Hương" in names and "=cmd Thị Hương" not in names
    assert AuditEvent.objects.filter(action="case.export", channel="web").count() == 1


# --------------------------------------------------------------------------- garbage


GARBAGE_POSTS = [
    ("advance", {}),
    ("advance", {"to_status": "x" * 10000, "version": "abc"}),
    ("advance", {"to_status": "screened", "version": "99999999999999999999999"}),
    ("advance", {"to_status": "screened", "version": "-5"}),
    ("update", {}),
    ("update", {"categories": "x", "risk_level": ["a", "b"], "version": "1"}),
    ("note", {}),
    ("note", {"text": "a" * 100_000}),
    ("consent", {"granted": "\x00"}),
    ("plan", {}),
    ("close", {"reason": "\x00"}),
    ("reopen", {"version": "1"}),
    ("assign", {"user": "abc"}),
    ("assign", {"user": "99999999999999999999999999"}),
    ("assign", {"user": "\x00"}),
    ("share", {"agency": "-1"}),
    ("caregiver", {"is_primary": "maybe", "sex": "Q"}),
]


@pytest.mark.parametrize(("action", "data"), GARBAGE_POSTS)
def test_garbage_posts_never_fail_with_a_server_error(
    client: Client, world: World, action: str, data: dict[str, Any]
) -> None:
    client.raise_request_exception = False
    signed_in(client, world.officer_a1)
    before = world.case_a1.version
    response = client.post(case_url(world.case_a1, action), data)
    assert response.status_code < 500
    world.case_a1.refresh_from_db()
    assert world.case_a1.version == before


GARBAGE_GETS = [
    ("officer_a1", "/cases/abc/"),
    ("officer_a1", "/cases/99999999999999999999999999/"),
    ("officer_a1", "/cases/-1/"),
    ("officer_a1", "/cases/?page=-1"),
    ("officer_a1", "/cases/?page=x"),
    ("officer_a1", "/cases/?page=99999999999999999999"),
    ("officer_a1", "/cases/?status=nope&risk=%00&scope=x&overdue=maybe"),
    ("officer_a1", "/search/?q=%00"),
    ("officer_a1", "/search/?q=" + "a" * 5000),
    ("officer_a1", "/search/?q=01-26-%00AAAAA"),
    ("officer_a1", "/cases/1/advance/"),
    ("auditor", "/audit/?page=x&before=abc&after=-1"),
    ("auditor", "/audit/?before=99999999999999999999999.1"),
    ("auditor", "/audit/?case=abc&date_from=2020-02-30&date_to=9999-12-31&user=%00"),
    ("auditor", "/audit/?case=999999999999999999999999999"),
    ("admin", "/users/?page=-1"),
    ("admin", "/users/?page=x"),
    ("analyst", "/stats/?by=%00"),
]


@pytest.mark.parametrize(("who", "url"), GARBAGE_GETS)
def test_garbage_urls_never_fail_with_a_server_error(
    client: Client, world: World, who: str, url: str
) -> None:
    client.raise_request_exception = False
    signed_in(client, world.users()[who])
    assert client.get(url).status_code < 500


def test_malformed_case_ids_are_404(client: Client, world: World) -> None:
    signed_in(client, world.officer_a1)
    for url in ("/cases/abc/", "/cases/99999999999999999999999999/", "/cases/0/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Not found" in text(response)


def test_garbage_decide_and_user_posts(client: Client, world: World) -> None:
    client.raise_request_exception = False
    signed_in(client, world.manager_a)
    assert client.post("/approvals/1/decide/", {}).status_code < 500
    assert client.post("/approvals/abc/decide/", {}).status_code == 404
    signed_in(client, world.admin)
    assert client.post(f"/users/{world.officer_a1.pk}/active/", {}).status_code < 500
    assert client.post("/users/999999/active/", {"active": "no"}).status_code == 404
    response = client.post(reverse("web:users"), {"role": "\x00", "commune": "\x00"})
    assert response.status_code == 400


# --------------------------------------------------------------------------- sign-in


def test_sign_in_with_the_right_password_works(client: Client, world: World) -> None:
    response = client.post(reverse("web:login"), {"username": "officer_a1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:caseload")
    assert client.get(reverse("web:caseload")).status_code == 200
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:caseload")).status_code == 302


def test_sign_in_starts_in_the_users_language(client: Client, world: World) -> None:
    User.objects.filter(pk=world.officer_a2.pk).update(language="en")
    client.post(reverse("web:login"), {"username": "officer_a2", "password": PASSWORD})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My caseload" in text(client.get(reverse("web:caseload")))
    # a language chosen before signing in is kept
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    other.post(reverse("web:login"), {"username": "officer_a2", "password": PASSWORD})
    assert other.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"


def test_garbage_sign_in_never_fails_with_a_server_error(client: Client, world: World) -> None:
    client.raise_request_exception = False
    url = reverse("web:login")
    for data in (
        {},
        {"username": "\x00", "password": "\x00"},
        {"username": "a" * 100_000, "password": "b"},
        {"username": ["a", "b"], "password": PASSWORD},
    ):
        assert client.post(url, data).status_code < 500


def test_oversized_post_is_a_400(client: Client, world: World) -> None:
    client.raise_request_exception = False
    signed_in(client, world.officer_a1)
    response = client.post(case_url(world.case_a1, "note"), {"text": "x" * 3_000_000})
    assert response.status_code == 400
    assert not CaseNote.objects.exists()


def test_wrong_password_shows_the_form_again(client: Client, world: World) -> None:
    response = client.post(reverse("web:login"), {"username": "officer_a1", "password": "nope"})
    assert response.status_code == 200 and response.context["form"].errors


def test_login_is_locked_after_five_failures(client: Client, world: World, settings: Any) -> None:
    settings.AXES_ENABLED = True
    url = reverse("web:login")
    for _attempt in range(5):
        client.post(url, {"username": "officer_a1", "password": "wrong-password"})
    response = client.post(url, {"username": "officer_a1", "password": PASSWORD})
    assert response.status_code == 429
    page = text(response)
    assert "Too many failed sign-in attempts" in page  # English
    assert "Quá nhiều lần đăng nhập sai" in page  # and Vietnamese
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- other pages


def test_stats_suppress_small_cells(client: Client, world: World, settings: Any) -> None:
    settings.BAOVE_MIN_CELL = 2
    signed_in(client, world.analyst)
    page = text(client.get(reverse("web:stats")))
    assert "&lt;2" in page  # Hồ Chí Minh City has one case
    assert world.province_a.name in page and "Nguyễn" not in page
    assert "Fewer than 2 cases" in page
    signed_in(client, world.manager_b)
    page = text(client.get(reverse("web:stats")))
    assert world.province_a.name not in page


def test_stats_rows_follow_the_stage_order(client: Client, world: World, settings: Any) -> None:
    settings.BAOVE_MIN_CELL = 1
    actions.advance_case(
        world.case_a1, to_status="screened", acting_user=world.officer_a1, expected_version=1
    )
    signed_in(client, world.manager_a)
    tables = {t["by"]: t for t in client.get(reverse("web:stats")).context["tables"]}
    assert [str(r["label"]) for r in tables["status"]["rows"]] == ["Reported", "Screened"]
    assert [r["value"] for r in tables["status"]["rows"]] == [1, 1]


def test_audit_log_filters_and_keyset_pages(client: Client, world: World) -> None:
    for i in range(views.AUDIT_PER_PAGE + 5):
        actions.add_note(world.case_a1, text=f"ghi chú {i}", acting_user=world.officer_a1)
    signed_in(client, world.auditor)
    before = AuditEvent.objects.count()
    response = client.get(reverse("web:audit"), {"action": "case.note"})
    # who searched the log, for what, is itself in the log
    assert AuditEvent.objects.count() == before + 1
    looked = AuditEvent.objects.latest("id")
    assert (looked.action, looked.actor, looked.details) == (
        "audit.view", world.auditor, {"filters": {"action": "case.note"}},
    )  # fmt: skip
    events = response.context["events"]
    assert len(events) == views.AUDIT_PER_PAGE and {e.action for e in events} == {"case.note"}
    older = response.context["older"]
    assert older is not None and response.context["newer"] is None
    response = client.get(reverse("web:audit"), {"action": "case.note", "before": older})
    rest = response.context["events"]
    assert len(rest) == 5 and response.context["older"] is None
    assert not {e.pk for e in rest} & {e.pk for e in events}
    response = client.get(
        reverse("web:audit"), {"action": "case.note", "after": response.context["newer"]}
    )
    assert [e.pk for e in response.context["events"]] == [e.pk for e in events]
    response = client.get(
        reverse("web:audit"), {"user": "officer_b1", "case": str(world.case_b1.pk)}
    )
    assert [e.action for e in response.context["events"]] == ["case.open"]
    today = timezone.localdate().isoformat()
    response = client.get(reverse("web:audit"), {"date_from": today, "date_to": today})
    assert len(response.context["events"]) == views.AUDIT_PER_PAGE


def test_users_page_creates_and_deactivates(client: Client, world: World) -> None:
    signed_in(client, world.admin)
    response = client.post(
        reverse("web:users"),
        {"username": "officer_new", "password": PASSWORD, "role": "commune_officer",
         "commune": world.commune_a2.code, "language": "vi"},
    )  # fmt: skip
    assert response.status_code == 302
    new = User.objects.get(username="officer_new")
    assert new.commune == world.commune_a2 and new.province == world.province_a
    response = client.post(
        reverse("web:users"),
        {"username": "officer_new", "password": "short", "role": "commune_officer",
         "language": "vi"},
    )  # fmt: skip
    assert response.status_code == 400
    assert {"username", "password", "commune"} <= set(response.context["form"].errors)
    response = client.post(reverse("web:users"), {"username": "x", "commune": "12345"})
    assert response.status_code == 400 and response.context["form"].errors["commune"]

    response = client.post(reverse("web:user_active", args=[new.pk]), {"active": "no"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert not new.is_active
    client.post(reverse("web:user_active", args=[new.pk]), {"active": "yes"})
    new.refresh_from_db()
    assert new.is_active
    response = client.post(
        reverse("web:user_active", args=[world.admin.pk]), {"active": "no"}, follow=True
    )
    assert "cannot deactivate your own account" in text(response)


def test_language_switch(client: Client, world: World) -> None:
    client.force_login(world.officer_a1)
    page = text(client.get(reverse("web:caseload")))
    assert 'lang="vi"' in page and reverse("set_language") in page
    response = client.post(reverse("set_language"), {"language": "en", "next": "/cases/"})
    assert response.status_code == 302
    page = text(client.get(reverse("web:caseload")))
    assert 'lang="en"' in page and "My caseload" in page


def test_error_handlers() -> None:
    request = RequestFactory().get("/x")
    response: HttpResponse = views.server_error(request)
    assert response.status_code == 500 and b"<html" in response.content
