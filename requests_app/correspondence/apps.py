from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "requests_app.correspondence"
    label = "correspondence"
