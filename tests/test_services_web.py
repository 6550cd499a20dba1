"""Tests of the service directory pages and the case-page panel."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from baove.accounts.models import Agency, User
from baove.services.models import Service

from .conftest import COMMUNE_A1, PROVINCE_A, World
from .test_services_actions import Directory, build_directory
from .test_services_importer import GOOD, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(world: World) -> Directory:
    return build_directory(world)


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize("who", ["officer_a1", "manager_a", "provider_x", "analyst", "admin"])
def test_directory_pages_render_for_viewers(
    client: Client, world: World, directory: Directory, who: str
) -> None:
    signed_in(client, world.users()[who])
    for url in (
        reverse("services:directory"),
        reverse("services:directory") + f"?province={PROVINCE_A}&open_only=on&sector=ngo&q=x",
        reverse("services:provider", args=[directory.provider_a.pk]),
        reverse("services:service", args=[directory.commune_a1.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_auditor_is_refused_and_anonymous_sent_to_sign_in(
    client: Client, world: World, directory: Directory
) -> None:
    assert client.get(reverse("services:directory")).status_code == 302
    signed_in(client, world.auditor)
    assert client.get(reverse("services:directory")).status_code == 403


def test_directory_filter_by_commune_lists_reachable(
    client: Client, world: World, directory: Directory
) -> None:
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("services:directory"), {"commune": "4", "open_only": "on"}))
    assert directory.commune_a1.name in page and directory.province_a.name in page
    assert directory.province_b.name not in page and directory.commune_a2.name not in page
    # Garbage filters are ignored, never a 500.
    response = client.get(reverse("services:directory"), {"commune": "x\x00", "page": "-3"})
    assert response.status_code == 200


def test_missing_objects_are_404(client: Client, world: World) -> None:
    signed_in(client, world.admin)
    for name in ("services:provider", "services:service", "services:service_edit",
                 "services:provider_edit", "services:service_new"):  # fmt: skip
        assert client.get(reverse(name, args=[987654])).status_code == 404


def test_manager_creates_provider_and_service_through_forms(client: Client, world: World) -> None:
    signed_in(client, world.manager_a)
    response = client.post(
        reverse("services:provider_new"),
        {"code": "hlhpn-hn", "name": "Hội LHPN Hà Nội", "sector": "mass_org",
         "province": PROVINCE_A, "email": "hoi@example.vn"},
    )  # fmt: skip
    agency = Agency.objects.get(code="hlhpn-hn")
    assert response.status_code == 302 and response["Location"].endswith(f"/{agency.pk}/")
    response = client.post(
        reverse("services:service_new", args=[agency.pk]),
        {"name": "Tư vấn pháp luật", "service_type": "legal_aid", "coverage_level": "commune",
         "areas": COMMUNE_A1, "accepts_referrals": "on"},
    )  # fmt: skip
    service = Service.objects.get(agency=agency)
    assert response.status_code == 302 and service.accepts_referrals
    # Edit with a stale version: a clear conflict, nothing changed.
    edit = reverse("services:service_edit", args=[service.pk])
    response = client.post(edit, {"name": "Mới", "service_type": "legal_aid",
                                  "coverage_level": "commune", "areas": COMMUNE_A1,
                                  "version": "7"})  # fmt: skip
    assert response.status_code == 409 and "Someone else changed" in text(response)
    assert Service.objects.get(pk=service.pk).name == "Tư vấn pháp luật"


def test_bad_form_input_is_400_with_field_errors(
    client: Client, world: World, directory: Directory
) -> None:
    signed_in(client, world.manager_a)
    response = client.post(
        reverse("services:service_new", args=[directory.provider_a.pk]),
        {"name": "", "service_type": "zzz", "coverage_level": "commune", "areas": "79",
         "capacity": "nhiều"},
    )  # fmt: skip
    assert response.status_code == 400
    page = text(response)
    assert "This field is required." in page and "This must be a whole number." in page


def test_out_of_province_management_is_403(
    client: Client, world: World, directory: Directory
) -> None:
    signed_in(client, world.manager_b)
    assert (
        client.get(reverse("services:provider_edit", args=[directory.provider_a.pk])).status_code
        == 403
    )
    response = client.post(
        reverse("services:service_close", args=[directory.commune_a1.pk]), {"version": "1"}
    )
    assert response.status_code == 403
    assert Service.objects.get(pk=directory.commune_a1.pk).is_active


def test_close_and_reopen_pages(client: Client, world: World, directory: Directory) -> None:
    signed_in(client, world.manager_a)
    url = reverse("services:service_close", args=[directory.commune_a1.pk])
    assert client.post(url, {"version": "1", "reason": "Tạm dừng"}).status_code == 302
    assert not Service.objects.get(pk=directory.commune_a1.pk).is_active
    # The double click: a message, not an error page.
    response = client.post(url, {"version": "1"}, follow=True)
    assert response.status_code == 200 and "already closed" in text(response)


def test_staff_are_added_and_shown_to_managers_only(
    client: Client, world: World, directory: Directory
) -> None:
    signed_in(client, world.manager_a)
    url = reverse("services:provider_staff", args=[directory.provider_a.pk])
    response = client.post(url, {"username": "nv.moi", "password": "correct-horse-battery-9",
                                 "first_name": "Lan", "language": "vi"})  # fmt: skip
    assert response.status_code == 302
    page = text(client.get(reverse("services:provider", args=[directory.provider_a.pk])))
    assert "nv.moi" in page
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("services:provider", args=[directory.provider_a.pk])))
    assert "nv.moi" not in page
    assert client.post(url, {"username": "x"}).status_code == 403


def test_import_page_shows_row_errors_then_imports(client: Client, world: World) -> None:
    signed_in(client, world.admin)
    url = reverse("services:import")
    assert client.get(url).status_code == 200
    bad = GOOD[0].replace("psychosocial", "massage")
    upload = SimpleUploadedFile("bad.csv", csv_bytes(bad), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "service_type" in text(response) and not Service.objects.exists()
    upload = SimpleUploadedFile("good.csv", csv_bytes(*GOOD), content_type="text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 200 and Service.objects.count() == 3
    assert client.post(url, {}).status_code == 400  # no file
    signed_in(client, world.officer_a1)
    assert client.post(url, {"file": io.BytesIO(b"x")}).status_code == 403


def test_case_page_panel_groups_by_level_with_refer_links(
    client: Client, world: World, directory: Directory
) -> None:
    signed_in(client, world.officer_a1)
    page = text(client.get(reverse("web:case", args=[world.case_a1.pk])))
    assert "Services this child can reach" in page
    assert page.index(directory.commune_a1.name) < page.index(directory.province_a.name)
    assert page.index(directory.province_a.name) < page.index(directory.national_hotline.name)
    assert f"?case={world.case_a1.pk}&amp;service={directory.commune_a1.pk}" in page
    assert directory.province_b.name not in page and directory.closed_a1.name not in page
    # Provider staff see the panel but cannot refer.
    from .conftest import share_with

    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    signed_in(client, world.provider_x)
    page = text(client.get(reverse("web:case", args=[world.case_a1.pk])))
    assert "Services this child can reach" in page and "?case=" not in page
