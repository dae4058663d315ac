from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "requests_app.records"
    label = "records"

    def ready(self) -> None:
        from requests_app.outbox.kinds import register
        from requests_app.records import bulk_jobs  # noqa: F401 - registers its kind of job
        from requests_app.records.sending import EMAILED_LETTER

        register(EMAILED_LETTER)
