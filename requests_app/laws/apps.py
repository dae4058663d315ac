from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "requests_app.laws"
    label = "laws"
