from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from requests_app.teams.models import Organization


class State(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


IN_FLIGHT = (State.QUEUED, State.SENDING)


class Email(models.Model):
    """One outgoing email and what became of it. The row is written in the transaction that
    asks for the email, so the email exists exactly when the asking does."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="emails")
    # The kind names the code that owns the email (outbox/kinds.py) and, with target_id, the
    # row it is for: a request for "request_letter", a follow-up letter for "follow_up".
    kind = models.CharField(max_length=30)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The latest email of a row (its send state on pages and in the API).
            models.Index(fields=["kind", "target_id", "id"], name="email_kind_target"),
            # The sweep's "queued or sending for too long" scan.
            models.Index(fields=["state", "state_changed_at"], condition=models.Q(state__in=["queued", "sending"]),
                         name="email_in_flight"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.target_id} to {', '.join(self.to)} ({self.state})"
