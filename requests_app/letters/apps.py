from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "requests_app.letters"
    label = "letters"

    def ready(self) -> None:
        from requests_app.letters.follow_up_sending import EMAILED_APPEAL, EMAILED_FOLLOW_UP
        from requests_app.outbox.kinds import register

        register(EMAILED_FOLLOW_UP)
        register(EMAILED_APPEAL)
