"""URLs of the opendata pages (namespace ``opendata``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "opendata"
urlpatterns: list[URLPattern] = []
