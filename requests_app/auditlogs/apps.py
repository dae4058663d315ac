from django.apps import AppConfig


class AuditlogsConfig(AppConfig):
    name = "requests_app.auditlogs"
    label = "auditlogs"

    def ready(self) -> None:
        from requests_app.auditlogs import importer  # noqa: F401 - registers its kind of job
