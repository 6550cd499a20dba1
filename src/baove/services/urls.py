"""URLs of the services pages (namespace ``services``)."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "services"
urlpatterns: list[URLPattern] = []
