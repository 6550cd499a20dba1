"""URLs of the screening pages (namespace ``screening``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.screening import views

app_name = "screening"
urlpatterns: list[URLPattern] = [
    path("new/", views.new, name="new"),
    path("<int:screening_id>/", views.detail, name="detail"),
    path("<int:screening_id>/confirm/", views.confirm, name="confirm"),
    path("<int:screening_id>/override/", views.override, name="override"),
    path("rules/", views.rules, name="rules"),
    path("proactive/", views.proactive, name="proactive"),
    path("proactive/<int:run_id>/", views.run, name="run"),
]
