from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "requests_app.deadlines"
    label = "deadlines"
