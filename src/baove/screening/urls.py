"""URLs of the screening pages (namespace ``screening``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "screening"
urlpatterns: list[URLPattern] = []
