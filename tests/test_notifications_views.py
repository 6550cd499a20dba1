"""Tests of notifications: creation, texts in the reader's language, badge, page and API."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from baove.accounts import actions as account_actions
from baove.core.errors import NotFound
from baove.notifications import actions, reads
from baove.notifications.models import Notification
from baove.notifications.texts import render_text

from .conftest import World

pytestmark = pytest.mark.django_db


def test_keyed_notifications_are_made_once(world: World) -> None:
    ids = [world.officer_a1.pk, world.officer_a1.pk, world.manager_a.pk]
    assert actions.notify(ids, kind="referral_new", params={"reference": "R1"}, key="k") == 2
    actions.notify(ids, kind="referral_new", params={"reference": "R1"}, key="k")
    assert Notification.objects.count() == 2
    with pytest.raises(ValueError):
        actions.notify(ids, kind="nonsense")


def test_text_is_rendered_in_the_readers_language() -> None:
    with translation.override("en"):
        assert render_text("referral_accepted", {"reference": "R01"}) == (
            "Referral R01 was accepted."
        )
    assert render_text("generic", {"text": "Xin chào"}) == "Xin chào"
    assert "R9" in render_text("referral_new", {"reference": "R9", "unknown": 1})


def test_mark_read_is_per_user(world: World) -> None:
    actions.notify([world.officer_a1.pk], kind="referral_new", params={"reference": "R1"})
    n = Notification.objects.get()
    with pytest.raises(NotFound):
        actions.mark_read(n.pk, acting_user=world.officer_b1)
    with pytest.raises(NotFound):
        actions.mark_read("x", acting_user=world.officer_a1)
    assert reads.unread_count(world.officer_a1) == 1
    assert actions.mark_read(n.pk, acting_user=world.officer_a1).read_at is not None
    assert reads.unread_count(world.officer_a1) == 0


def test_page_badge_and_mark_read(world: World, client: Client) -> None:
    actions.notify([world.officer_a1.pk], kind="referral_declined",
                   params={"reference": "R01-26-AAAAAA"}, url="/referrals/1/")  # fmt: skip
    client.force_login(world.officer_a1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notifications/").content.decode()
    assert "Referral R01-26-AAAAAA was declined." in page and 'class="badge"' in page
    n = Notification.objects.get()
    go = client.post(f"/notifications/{n.pk}/read/", {"go": "1"})
    assert go.status_code == 302 and go["Location"] == "/referrals/1/"
    assert client.post("/notifications/999999/read/").status_code == 404
    client.force_login(world.officer_b1)
    assert "R01-26-AAAAAA" not in client.get("/notifications/").content.decode()


def test_api_lists_and_marks_read(world: World, client: Client) -> None:
    actions.notify([world.provider_x.pk], kind="referral_new", params={"reference": "R7"})
    key = account_actions.issue_api_token(world.provider_x, acting_user=None)
    h = {"Authorization": f"Bearer {key}", "Accept-Language": "vi"}
    body = client.get("/api/notifications", headers=h).json()
    assert body["unread"] == 1 and "R7" in body["items"][0]["text"]
    nid = body["items"][0]["id"]
    assert client.post(f"/api/notifications/{nid}/read", headers=h).status_code == 200
    assert client.get("/api/notifications?unread=true", headers=h).json()["total"] == 0
    other = account_actions.issue_api_token(world.provider_y, acting_user=None)
    resp = client.post(
        f"/api/notifications/{nid}/read", headers={"Authorization": f"Bearer {other}"}
    )
    assert resp.status_code == 404
