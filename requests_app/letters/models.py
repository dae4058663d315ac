"""Finalised letters: the exact text and PDF that went (or will go) to the agency."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from requests_app.outbox.selectors import EmailedRow
from requests_app.records.models import RecordsRequest


def letter_path(instance: LetterVersion, filename: str) -> str:
    # Generated, never user-supplied, so two letters can never share a file.
    return f"letters/{instance.request.organization_id}/{uuid.uuid4().hex}.pdf"


class LetterVersion(models.Model):
    """Immutable once written: a later edit of the draft makes the next version."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="letters")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    letter_date = models.DateField()
    pdf = models.FileField(upload_to=letter_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_letter_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking} letter v{self.number}"

    @property
    def filename(self) -> str:
        return f"{self.request.tracking}-v{self.number}.pdf"


def follow_up_path(instance: FollowUpLetter, filename: str) -> str:
    return f"letters/{instance.request.organization_id}/{uuid.uuid4().hex}.pdf"


class FollowUpLetter(EmailedRow, models.Model):
    """A follow-up or appeal letter drafted for a person to review, finalise and send."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", "Follow-up"
        APPEAL = "appeal", "Appeal"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    occasion = models.DateField(help_text="The overdue, follow-up or denial date it answers.")
    reason = models.CharField(max_length=300)
    text = models.TextField()
    drafted_at = models.DateTimeField(auto_now_add=True)
    pdf = models.FileField(upload_to=follow_up_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField(null=True, blank=True)
    # Emailed from the app through the outbox (letters/follow_up_sending.py): its Message-ID once sent.
    email_message_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["request", "drafted_at"]
        constraints = [
            # Drafting is idempotent: one letter per request, kind and occasion.
            models.UniqueConstraint(fields=["request", "kind", "occasion"], name="one_follow_up_per_occasion"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking} {self.get_kind_display()} of {self.occasion}"

    @property
    def email_kind(self) -> str:
        """Emailed as its own kind: "follow_up" or "appeal" in the outbox."""
        return self.kind

    @property
    def filename(self) -> str:
        return f"{self.request.tracking}-{self.kind.replace('_', '-')}-{self.occasion:%Y%m%d}.pdf"
