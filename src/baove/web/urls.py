"""URLs of the web pages (namespace ``web``)."""

from __future__ import annotations

from django.urls import path, register_converter

from baove.web import views


class IdConverter:
    """A database id: 1 to 18 digits, so a huge number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        """Return the id as an int."""
        return int(value)

    def to_url(self, value: int | str) -> str:
        """Return the id as URL text."""
        return str(value)


register_converter(IdConverter, "id")

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("cases/", views.caseload, name="caseload"),
    path("cases/export.csv", views.export_csv, name="export"),
    path("cases/new/", views.intake, name="intake"),
    path("cases/<id:case_id>/", views.case_detail, name="case"),
    path("cases/<id:case_id>/advance/", views.case_advance, name="case_advance"),
    path("cases/<id:case_id>/update/", views.case_update, name="case_update"),
    path("cases/<id:case_id>/note/", views.case_note, name="case_note"),
    path("cases/<id:case_id>/consent/", views.case_consent, name="case_consent"),
    path(
        "cases/<id:case_id>/consents/<id:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("cases/<id:case_id>/plan/", views.case_plan, name="case_plan"),
    path("cases/<id:case_id>/close/", views.case_close, name="case_close"),
    path("cases/<id:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<id:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<id:case_id>/share/", views.case_share, name="case_share"),
    path("cases/<id:case_id>/caregiver/", views.case_caregiver, name="case_caregiver"),
    path("cases/<id:case_id>/household/", views.case_household, name="case_household"),
    path("search/", views.search, name="search"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<id:approval_id>/decide/", views.approval_decide, name="approval_decide"),
    path("matching/review/", views.match_review, name="match_review"),
    path("matching/review/<id:pair_id>/", views.match_pair, name="match_pair"),
    path("matching/review/<id:pair_id>/decide/", views.match_decide, name="match_decide"),
    path("audit/", views.audit, name="audit"),
    path("stats/", views.stats, name="stats"),
    path("users/", views.users, name="users"),
    path("users/<id:user_id>/active/", views.user_active, name="user_active"),
]
