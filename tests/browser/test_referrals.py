"""A commune officer refers a child to a service; the provider's staff accept the referral."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from baove.cases import actions as case_actions
from baove.referrals.models import Referral
from baove.services import actions as service_actions

from ..conftest import World
from .conftest import choose_language, shoot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_referral_sent_from_case_page_and_accepted(page: Page, live_world: World) -> None:
    w = live_world
    service_actions.create_service(
        acting_user=w.manager_a,
        agency=w.agency_x,
        data={"name": "Tư vấn tâm lý", "service_type": "psychosocial",
              "coverage_level": "commune", "areas": [w.commune_a1.code]},
    )  # fmt: skip
    for purpose in ("services", "sharing"):
        case_actions.record_consent(
            w.case_a1, purpose=purpose, granted=True, given_by="Nguyễn Văn Bình",
            relationship="father", acting_user=w.officer_a1,
        )  # fmt: skip

    sign_in(page, "officer_a1")
    choose_language(page, "en")
    page.get_by_role("link", name=w.case_a1.reference).click()
    page.get_by_role("link", name="Refer to a service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer the child to a service")
    page.get_by_label("Service").select_option(label=f"Tư vấn tâm lý — {w.agency_x.name} (commune)")
    page.get_by_label("Urgency").select_option("urgent")
    reason = page.get_by_role("textbox", name="Reason for referral (required)")
    reason.fill("Trẻ cần được tư vấn tâm lý sau sự việc.")
    page.get_by_role("button", name="Send the referral").click()
    expect(page).to_have_url(re.compile(r"/referrals/\d+/$"))
    referral = Referral.objects.get()
    expect(page.locator("main h1")).to_contain_text(referral.reference)
    expect(page.locator(".badges")).to_contain_text("Urgent")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "provider_x")
    page.goto("/referrals/")
    page.get_by_role("link", name=referral.reference).click()
    main = page.locator("main")
    # The provider sees what the officer chose to share, not the case's summary.
    expect(main).not_to_contain_text("Hàng xóm báo trẻ bị đánh")
    page.locator("#act-accept").click()
    expect(page.locator(".badges")).to_contain_text("Accepted")
    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.first_response_at is not None
    shoot(page, "referral")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "officer_a1")
    page.goto(f"/cases/{w.case_a1.pk}/")
    chain = page.locator("#referrals")
    expect(chain).to_contain_text(referral.reference)
    expect(chain).to_contain_text("Accepted")
