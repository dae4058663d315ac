"""Files agencies send back, stored once per organization and linked to requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Organization


class Document(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        XLS = "xls", "Excel 97-2003 (XLS)"
        DOCX = "docx", "Word (DOCX)"
        TXT = "txt", "Text"
        EML = "eml", "Email (EML)"
        ZIP = "zip", "ZIP archive"
        PNG = "png", "PNG image"
        JPEG = "jpeg", "JPEG image"
        TIFF = "tiff", "TIFF image"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(max_length=300)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    encoding = models.CharField(max_length=20, blank=True, help_text="For text files: how the bytes decode.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="members",
                               help_text="The ZIP this file was extracted from.")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Extraction(models.TextChoices):
        PENDING = "pending", "Reading"
        DONE = "done", "Read"
        FAILED = "failed", "Could not be read"

    extraction = models.CharField(max_length=10, choices=Extraction.choices, default=Extraction.PENDING)
    extraction_error = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="The document's text, for search.")
    preview = models.JSONField(default=dict, blank=True, help_text="First rows, or email headers and body.")
    scanned = models.BooleanField(default=False, help_text="A PDF with no text layer: a scan, to be read by eye or OCR.")

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            # The same bytes are stored once per organization, however often they are uploaded.
            models.UniqueConstraint(fields=["organization", "sha256"], name="one_document_per_content"),
        ]

    def __str__(self) -> str:
        return self.original_name


class RequestDocument(models.Model):
    """A document filed on a request (one document can answer several requests)."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="document_links")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="request_links")
    note = models.CharField(max_length=500, blank=True)
    communication = models.ForeignKey("correspondence.Communication", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="document_links")
    items = models.ManyToManyField("records.RequestItem", blank=True, related_name="document_links",
                                   help_text="The items of the request this document answers.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "-added_at"]
        constraints = [models.UniqueConstraint(fields=["request", "document"], name="one_link_per_document")]
        indexes = [
            # The dashboard's "recent documents": the newest links, read in index order
            # until ten belong to the organization.
            models.Index(fields=["-added_at", "-id"], name="request_document_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking}: {self.document}"


class InboundEmail(models.Model):
    """An email that arrived in the records mailbox, kept as received, and where it went."""

    class State(models.TextChoices):
        MATCHED = "matched", "Filed on a request"
        UNMATCHED = "unmatched", "Waiting for a person"
        DISMISSED = "dismissed", "Dismissed"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="inbound_emails",
                                     help_text="Whose inbox it waits in; empty when no organization could be told.")
    raw = models.FileField(max_length=300)
    sha256 = models.CharField(max_length=64, unique=True)
    sender = models.CharField(max_length=300, blank=True)
    recipient = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices)
    request = models.ForeignKey(RecordsRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    matched_by = models.CharField(max_length=200, blank=True, help_text="How it was matched, or why it was not.")

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            # The unmatched inbox of an organization.
            models.Index(fields=["organization", "state"], name="inbound_org_state"),
        ]

    def __str__(self) -> str:
        return f"{self.subject or '(no subject)'} from {self.sender}"
