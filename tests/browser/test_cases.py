"""A commune officer signs in, looks at the caseload, opens a case and switches language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ..conftest import World
from .conftest import choose_language, shoot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_caseload_case_and_language(page: Page, live_world: World) -> None:
    case = live_world.case_a1
    page.goto("/")
    # Not signed in: the start page sends the person to the sign-in form, in Vietnamese.
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập")
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()  # ready to type
    shoot(page, "login")

    sign_in(page, "officer_a1")
    expect(page).to_have_url(re.compile(r"/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trường hợp của tôi")
    page.keyboard.press("Tab")  # keyboard users can jump past the header and menu
    expect(page.get_by_role("link", name="Bỏ qua, đến nội dung chính")).to_be_focused()
    rows = page.locator("table.cases tbody tr")
    # The officer sees the case of their own commune only, not the other commune's.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(case.reference)
    expect(page.locator("table.cases")).not_to_contain_text(live_world.case_a2.reference)

    page.get_by_role("link", name=case.reference).click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(case.reference)
    expect(heading).to_contain_text("Nguyễn Thị Hương")
    expect(page.locator("#advance-title")).to_have_text("Bước tiếp theo")

    choose_language(page, "en")
    # Back on the same case page, now in English.
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("#advance-title")).to_have_text("Next step")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("link", name="Child protection").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")

    choose_language(page, "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trường hợp của tôi")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_wrong_password_keeps_the_person_on_the_form(page: Page, live_world: World) -> None:
    page.goto("/login/")
    page.get_by_label("Tên đăng nhập").fill("officer_a1")
    page.get_by_label("Mật khẩu").fill("not-the-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("alert")).to_be_visible()  # the reason, read out by screen readers
    expect(page.get_by_label("Tên đăng nhập")).to_have_value("officer_a1")
    expect(page.get_by_role("button", name="Đăng xuất")).to_have_count(0)
