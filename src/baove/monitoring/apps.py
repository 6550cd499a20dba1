from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "baove.monitoring"
    label = "monitoring"
