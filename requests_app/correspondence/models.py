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


class ContactSuggestion(models.Model):
    """A records contact of an agency seen in a reply filed on one of an organization's
    requests: the address the agency wrote from, or its records portal named in a portal's
    notification. Only that organization sees it (its message is private); once an editor
    accepts it, the contact goes into the shared directory with a public description of its
    source. A rejected suggestion stays, so the same value is not offered again.

    It lives here, above the directory, because its source is a communication: the agency
    directory never reads the organizations' correspondence.
    """

    class Field(models.TextChoices):
        RECORDS_EMAIL = "records_email", "Records email"
        PORTAL_URL = "portal_url", "Records portal"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for an editor"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=20, choices=Field.choices)
    value = models.CharField(max_length=500)
    evidence = models.CharField(max_length=200, help_text='Why it is suggested, e.g. "the sender of the reply".')
    vendor = models.CharField(max_length=50, blank=True, help_text="The records portal's software, for a portal.")
    # The message it was seen in. Its sender, subject and date are kept too, so a decision
    # still shows what it was based on if the communication is deleted.
    communication = models.ForeignKey(Communication, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="contact_suggestions")
    source_sender = models.CharField(max_length=300, blank=True)
    source_subject = models.CharField(max_length=500, blank=True)
    received_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A second reply from the same address adds nothing. Also the index of the agency
            # page's and the request page's "pending suggestions of this agency for this
            # organization" (agency and organization first).
            models.UniqueConstraint(fields=["agency", "organization", "field", "value"],
                                    name="one_contact_suggestion_per_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.value} for agency {self.agency_id}"
