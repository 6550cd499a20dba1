"""URLs of the placements pages (namespace ``placements``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.placements import views

app_name = "placements"
urlpatterns: list[URLPattern] = [
    path("case/<int:case_id>/new/", views.record, name="record"),
    path("reviews/", views.reviews_due, name="reviews"),
    path("approvals/", views.approvals, name="approvals"),
    path("<int:placement_id>/", views.detail, name="detail"),
    path("<int:placement_id>/decide/", views.decide, name="decide"),
    path("<int:placement_id>/review/", views.review, name="review"),
    path("<int:placement_id>/end/", views.end, name="end"),
]
