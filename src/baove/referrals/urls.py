"""URLs of the referrals pages (namespace ``referrals``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.referrals import views

app_name = "referrals"
urlpatterns: list[URLPattern] = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("<int:referral_id>/<slug:action>/", views.referral_action, name="action"),
]
