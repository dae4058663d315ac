from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "requests_app.records"
    label = "records"
