from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "baove.matching"
    label = "matching"
