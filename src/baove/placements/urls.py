"""URLs of the placements pages (namespace ``placements``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "placements"
urlpatterns: list[URLPattern] = []
