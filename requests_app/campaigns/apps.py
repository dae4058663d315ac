from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "requests_app.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        from requests_app.campaigns import exports, services  # noqa: F401 - register their kinds of job
