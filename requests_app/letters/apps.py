from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "requests_app.letters"
    label = "letters"
