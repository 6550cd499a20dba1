from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "baove.registry"
    label = "registry"
