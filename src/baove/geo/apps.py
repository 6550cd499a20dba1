from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "baove.geo"
    label = "geo"
