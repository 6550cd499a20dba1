from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baove.core"
    label = "core"
