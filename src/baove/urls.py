"""URL configuration: web pages, the JSON API under /api/, language switching."""

from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from baove.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("services/", include("baove.services.urls")),
    path("referrals/", include("baove.referrals.urls")),
    path("notifications/", include("baove.notifications.urls")),
    path("screening/", include("baove.screening.urls")),
    path("placements/", include("baove.placements.urls")),
    path("indicators/", include("baove.dashboards.urls")),
    path("reports/", include("baove.dashboards.download_urls")),
    path("open/", include("baove.opendata.urls")),
    path("monitoring/", include("baove.monitoring.urls")),
    path("", include("baove.web.urls")),
]

handler400 = "baove.web.views.bad_request"
handler403 = "baove.web.views.forbidden"
handler404 = "baove.web.views.not_found"
handler500 = "baove.web.views.server_error"
