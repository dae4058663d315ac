from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "requests_app.teams"
    label = "teams"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from requests_app.teams.middleware import remember_organization

        user_logged_in.connect(remember_organization, dispatch_uid="teams.remember_organization")
