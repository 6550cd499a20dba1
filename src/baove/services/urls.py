"""URLs of the services pages (namespace ``services``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.services import views

app_name = "services"
urlpatterns: list[URLPattern] = [
    path("", views.directory, name="directory"),
    path("import/", views.import_page, name="import"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("providers/<int:agency_id>/", views.provider, name="provider"),
    path("providers/<int:agency_id>/edit/", views.provider_edit, name="provider_edit"),
    path("providers/<int:agency_id>/staff/", views.provider_staff, name="provider_staff"),
    path("providers/<int:agency_id>/services/new/", views.service_new, name="service_new"),
    path("<int:service_id>/", views.service, name="service"),
    path("<int:service_id>/edit/", views.service_edit, name="service_edit"),
    path("<int:service_id>/close/", views.service_state, {"to": "close"}, name="service_close"),
    path("<int:service_id>/reopen/", views.service_state, {"to": "reopen"}, name="service_reopen"),
]
