from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "requests_app.deadlines"
    label = "deadlines"

    def ready(self) -> None:
        from requests_app.deadlines.reminders import EMAILED_DIGEST, EMAILED_REMINDER
        from requests_app.outbox.kinds import register

        register(EMAILED_REMINDER)
        register(EMAILED_DIGEST)
