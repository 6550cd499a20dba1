from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "baove.accounts"
    label = "accounts"
