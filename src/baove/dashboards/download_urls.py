"""URLs of the report downloads: SDMX, Excel, PDF, case lists (namespace ``reports``)."""

from __future__ import annotations

from django.urls import URLPattern, path

from baove.dashboards import downloads

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("sdmx.xml", downloads.sdmx_xml, name="sdmx_xml"),
    path("sdmx-structure.xml", downloads.sdmx_structure, name="sdmx_structure"),
    path("sdmx.csv", downloads.sdmx_csv, name="sdmx_csv"),
    path("indicators.xlsx", downloads.indicators_xlsx, name="indicators_xlsx"),
    path("national.pdf", downloads.national_pdf, name="national_pdf"),
    path("province/<str:code>.pdf", downloads.province_pdf, name="province_pdf"),
    path("cases.xlsx", downloads.cases_xlsx, name="cases_xlsx"),
]
