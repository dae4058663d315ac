from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "requests_app.campaigns"
    label = "campaigns"
