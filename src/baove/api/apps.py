from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "baove.api"
    label = "api"
