from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "baove.referrals"
    label = "referrals"
