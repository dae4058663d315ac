from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "requests_app.ops"
    label = "ops"
