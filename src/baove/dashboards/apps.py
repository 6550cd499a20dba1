from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "baove.dashboards"
    label = "dashboards"
