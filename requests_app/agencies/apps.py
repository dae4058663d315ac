from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "requests_app.agencies"
    label = "agencies"
