from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "requests_app.demo"
    label = "demo"
