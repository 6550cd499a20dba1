"""URLs of the dashboards pages (namespace ``dashboards``)."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from baove.dashboards import views

app_name = "dashboards"
urlpatterns: list[URLPattern] = [
    path("", views.explorer, name="explorer"),
    path("provinces/", views.provinces, name="provinces"),
    re_path(r"^provinces/(?P<code>[0-9]{2})/$", views.scorecard, name="scorecard"),
]
