"""URLs of the dashboards pages (namespace ``dashboards``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "dashboards"
urlpatterns: list[URLPattern] = []
