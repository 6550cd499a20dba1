"""URLs of the opendata pages (namespace ``opendata``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.opendata import views

app_name = "opendata"
urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<slug:table>/", views.table, name="table"),
    path("<slug:table>/<slug:by>.csv", views.table_csv, name="csv"),
]
