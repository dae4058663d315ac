from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "requests_app.teams"
    label = "teams"
