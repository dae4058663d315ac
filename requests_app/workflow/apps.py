from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "requests_app.workflow"
    label = "workflow"

    def ready(self) -> None:
        """Registers the workflow's kinds of email (the outbox runs their after-send effects)
        and of job (the runner runs their steps), with those of the apps below the outbox
        (teams: invitations and correction notes on a law)."""
        from requests_app.outbox.kinds import register
        from requests_app.workflow import bulk_jobs  # noqa: F401 - registers its kind of job
        from requests_app.workflow.follow_up_sending import EMAILED_APPEAL, EMAILED_FOLLOW_UP
        from requests_app.workflow.invitations import EMAILED_INVITATION
        from requests_app.workflow.law_notes import EMAILED_LAW_NOTE
        from requests_app.workflow.sending import EMAILED_LETTER

        for kind in (EMAILED_LETTER, EMAILED_FOLLOW_UP, EMAILED_APPEAL, EMAILED_INVITATION, EMAILED_LAW_NOTE):
            register(kind)
