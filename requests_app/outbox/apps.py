from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "requests_app.outbox"
    label = "outbox"
