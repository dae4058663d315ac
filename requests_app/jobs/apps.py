from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "requests_app.jobs"
    label = "jobs"
