"""URLs of the monitoring pages (namespace ``monitoring``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.monitoring import views

app_name = "monitoring"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
]
