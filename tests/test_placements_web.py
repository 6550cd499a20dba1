"""Placement pages: the case page panel, recording, the placement page, lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from baove.accounts.models import User
from baove.placements.models import Placement

from .conftest import World
from .test_placements_actions import RULED_OUT, days_ago, kinship, propose


def signed_in(client: Client, user: User) -> Client:
    """``client`` signed in as ``user``, reading English pages."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def residential_post(world: World, **overrides: str) -> dict[str, str]:
    """The record form filled in for a residential placement."""
    data = {
        "placement_type": "residential",
        "start_date": days_ago(1).isoformat(),
        "reason": "Trẻ cần chăm sóc đặc biệt.",
        "agency": str(world.agency_x.pk),
        "facility_type": "sos_village",
        "justification": "Tạm thời, trong khi tìm gia đình.",
        **{f"ruled_out_{k}": v for k, v in RULED_OUT.items()},
    }
    data.update(overrides)
    return data


def test_case_page_shows_the_history_and_overdue_mark(world: World, client: Client) -> None:
    kinship(world.case_a1, world.officer_a1, start_date=days_ago(200))
    page = signed_in(client, world.officer_a1).get(reverse("web:case", args=[world.case_a1.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Care placements" in text and "Lê Thị Mai (Bà ngoại)" in text
    assert "Review overdue" in text
    assert reverse("placements:record", args=[world.case_a1.pk]) in text


def test_provider_sees_no_record_link(world: World, client: Client) -> None:
    from .conftest import share_with

    share_with(world, world.case_a1, world.agency_x, world.officer_a1)
    page = signed_in(client, world.provider_x).get(reverse("web:case", args=[world.case_a1.pk]))
    assert page.status_code == 200 and "Care placements" in page.content.decode()
    assert reverse("placements:record", args=[world.case_a1.pk]) not in page.content.decode()


def test_record_family_based_from_the_form(world: World, client: Client) -> None:
    url = reverse("placements:record", args=[world.case_a1.pk])
    c = signed_in(client, world.officer_a1)
    assert c.get(url).status_code == 200
    response = c.post(url, {
        "placement_type": "kinship", "start_date": days_ago(3).isoformat(),
        "reason": "Ở với bà.", "carer_name": "Lê Thị Mai", "carer_relationship": "Bà ngoại",
    })  # fmt: skip
    placement = Placement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:detail", args=[placement.pk])
    assert placement.status == "active"


def test_residential_form_without_justification_is_refused(world: World, client: Client) -> None:
    url = reverse("placements:record", args=[world.case_a1.pk])
    post = residential_post(world, ruled_out_foster="", justification="")
    response = signed_in(client, world.officer_a1).post(url, post)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="placement-ruled_out_foster_error"' in text
    assert 'id="placement-justification_error"' in text
    assert "Cha mẹ đã mất" in text  # what was typed is kept
    assert Placement.objects.count() == 0


def test_approval_from_the_queue_and_the_placement_page(world: World, client: Client) -> None:
    signed_in(client, world.officer_a1).post(
        reverse("placements:record", args=[world.case_a1.pk]), residential_post(world)
    )
    placement = Placement.objects.get()
    assert placement.status == "proposed"
    detail = reverse("placements:detail", args=[placement.pk])
    assert "Approve" not in signed_in(client, world.officer_a1).get(detail).content.decode()
    manager = signed_in(Client(), world.manager_a)
    queue = manager.get(reverse("placements:approvals"))
    assert queue.status_code == 200 and detail in queue.content.decode()
    page = manager.get(detail)
    assert "Approve" in page.content.decode()
    decide = reverse("placements:decide", args=[placement.pk])
    # Rejecting without a comment: the page again with the error, nothing decided.
    bad = manager.post(decide, {"decision": "reject", "comment": "", "version": "1"})
    assert bad.status_code == 400 and 'id="decide-comment_error"' in bad.content.decode()
    ok = manager.post(decide, {"decision": "approve", "version": "1", "back": "queue"})
    assert ok.status_code == 302 and ok["Location"] == reverse("placements:approvals")
    placement.refresh_from_db()
    assert placement.status == "active"
    # Pressing the button again: a clear message, not an error page.
    again = manager.post(decide, {"decision": "approve", "version": "1"}, follow=True)
    assert again.status_code == 200 and "already decided" in again.content.decode()


def test_other_province_and_unknown_get_the_same_404(world: World, client: Client) -> None:
    placement = propose(world, world.case_a1, world.officer_a1)
    c = signed_in(client, world.manager_b)
    for pk in (placement.pk, 10**9):
        assert c.get(reverse("placements:detail", args=[pk])).status_code == 404
        response = c.post(reverse("placements:decide", args=[pk]), {"decision": "approve"})
        assert response.status_code == 404
    assert c.get(reverse("placements:record", args=[world.case_a1.pk])).status_code == 404


def test_roles_without_the_right_get_403(world: World, client: Client) -> None:
    placement = propose(world, world.case_a1, world.officer_a1)
    c = signed_in(client, world.officer_a1)
    assert c.get(reverse("placements:approvals")).status_code == 403
    assert c.post(reverse("placements:decide", args=[placement.pk]), {}).status_code == 403
    a = signed_in(Client(), world.analyst)
    assert a.get(reverse("placements:reviews")).status_code == 403
    assert a.get(reverse("placements:record", args=[world.case_a1.pk])).status_code == 403


def test_review_and_end_from_the_placement_page(world: World, client: Client) -> None:
    placement = kinship(world.case_a1, world.officer_a1, start_date=days_ago(200))
    c = signed_in(client, world.officer_a1)
    reviews = c.get(reverse("placements:reviews"))
    assert reviews.status_code == 200 and "1 review overdue" in reviews.content.decode()
    url = reverse("placements:review", args=[placement.pk])
    bad = c.post(url, {"reviewed_on": "hôm qua", "outcome": "x", "version": "1"})
    assert bad.status_code == 400
    assert 'id="review-reviewed_on_error"' in bad.content.decode()
    ok = c.post(
        url, {"reviewed_on": days_ago(1).isoformat(), "outcome": "continue", "version": "1"}
    )
    assert ok.status_code == 302
    placement.refresh_from_db()
    assert not placement.is_review_overdue
    end = c.post(reverse("placements:end", args=[placement.pk]), {
        "end_date": days_ago(0).isoformat(), "end_reason": "reunified", "version": "2",
    })  # fmt: skip
    assert end.status_code == 302
    placement.refresh_from_db()
    assert placement.status == "ended"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"placement_type": "\x00", "start_date": "\x00", "agency": "\x00"},
        {"placement_type": "kinship", "agency": "x" * 500, "review_interval_days": "-5"},
        {"placement_type": ["a", "b"], "start_date": "2024-02-30"},
    ],
)
def test_malformed_posts_never_500(world: World, client: Client, data: dict[str, Any]) -> None:
    c = signed_in(client, world.officer_a1)
    response = c.post(reverse("placements:record", args=[world.case_a1.pk]), data)
    assert response.status_code == 400
    placement = kinship(world.case_a2, world.officer_a2)
    c2 = signed_in(Client(), world.officer_a2)
    for name in ("review", "end"):
        response = c2.post(reverse(f"placements:{name}", args=[placement.pk]), data)
        assert response.status_code in (302, 400)
    assert Placement.objects.count() == 1


def test_panel_tag_is_one_query_and_respects_the_role(
    world: World, django_assert_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from baove.placements.templatetags.placements_tags import case_placements

    kinship(world.case_a1, world.officer_a1)
    request = RequestFactory().get("/")
    request.user = world.officer_a1
    with django_assert_num_queries(1):
        html = case_placements({"request": request}, world.case_a1)
    assert "Lê Thị Mai" in html
    request.user = world.analyst
    assert case_placements({"request": request}, world.case_a1) == ""
