from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "baove.services"
    label = "services"
