from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "baove.web"
    label = "web"
