"""Everything said between an organization and an agency about a request, and the money."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.records.models import RecordsRequest


class Communication(models.Model):
    class Direction(models.TextChoices):
        FROM_AGENCY = "from_agency", "From the agency"
        TO_AGENCY = "to_agency", "To the agency"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PORTAL = "portal", "Records portal"
        MAIL = "mail", "Mail"
        PHONE = "phone", "Phone"
        FAX = "fax", "Fax"

    class Action(models.TextChoices):
        NONE = "", "No change"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        EXTENSION = "extension", "Extended the deadline"
        CLARIFICATION = "clarification", "Asked for clarification"
        FEE_ESTIMATE = "fee_estimate", "Sent a fee estimate"
        RESUMED = "resumed", "We answered or paid: the clock restarts"
        RELEASED_PARTIAL = "released_partial", "Released some records"
        RELEASED_FULL = "released_full", "Released all records"
        NO_RECORDS = "no_records", "Said there are no records"
        DENIED = "denied", "Denied the request"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="communications")
    direction = models.CharField(max_length=12, choices=Direction.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    occurred_on = models.DateField()
    sender = models.CharField(max_length=300, blank=True)
    recipient = models.CharField(max_length=300, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    action = models.CharField(max_length=20, choices=Action.choices, blank=True)
    agency_reference = models.CharField(max_length=200, blank=True, help_text="The agency's own tracking number.")
    extended_to = models.DateField(null=True, blank=True)
    fee_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    exemptions = models.TextField(blank=True, help_text="Exemptions the agency cited.")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "occurred_on", "logged_at"]
        indexes = [
            # The dashboard's "recent replies" of an organization, newest first: logged_at
            # breaks the ties of a busy day, so the first ten are read in index order.
            models.Index(fields=["direction", "occurred_on", "logged_at"], name="communication_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking} {self.get_direction_display().lower()} {self.occurred_on}"


class Fee(models.Model):
    class Kind(models.TextChoices):
        ESTIMATE = "estimate", "Estimate"
        INVOICE = "invoice", "Invoice"
        WAIVER_REQUESTED = "waiver_requested", "Waiver requested"
        WAIVER_GRANTED = "waiver_granted", "Waiver granted"
        WAIVER_DENIED = "waiver_denied", "Waiver denied"
        PAYMENT = "payment", "Payment"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    occurred_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    communication = models.ForeignKey(Communication, on_delete=models.SET_NULL, null=True, blank=True, related_name="fees")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "occurred_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                                   name="fee_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking} {self.get_kind_display()} {self.amount or ''}"
