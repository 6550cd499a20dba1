from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "baove.screening"
    label = "screening"
