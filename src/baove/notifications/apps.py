from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "baove.notifications"
    label = "notifications"
