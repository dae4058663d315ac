from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "requests_app.documents"
    label = "documents"
