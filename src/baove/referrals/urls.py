"""URLs of the referrals pages (namespace ``referrals``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "referrals"
urlpatterns: list[URLPattern] = []
