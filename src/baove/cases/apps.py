from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "baove.cases"
    label = "cases"
