from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "baove.opendata"
    label = "opendata"
