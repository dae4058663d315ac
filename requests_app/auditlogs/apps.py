from django.apps import AppConfig


class AuditlogsConfig(AppConfig):
    name = "requests_app.auditlogs"
    label = "auditlogs"
