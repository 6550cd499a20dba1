from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "baove.placements"
    label = "placements"
