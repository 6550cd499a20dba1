"""URLs of the notifications pages (namespace ``notifications``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.notifications import views

app_name = "notifications"
urlpatterns: list[URLPattern] = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("read-all/", views.notification_read_all, name="read_all"),
]
