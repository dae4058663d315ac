from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "requests_app.workflow"
    label = "workflow"
