from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "baove.audit"
    label = "audit"
