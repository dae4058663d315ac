"""Audit-log searches, sharing relations, hot-list events and user rosters, normalised from released exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.auditlogs import rules
from requests_app.auditlogs.sharing import Direction
from requests_app.documents.models import Document
from requests_app.jobs.models import Job, alias
from requests_app.records.models import RecordsRequest


class AuditImport(Job):
    """A document read into a request's audit-log rows by a worker (importer.py). Its progress
    counts lines (or rows) of the file: ``handled`` of ``total``."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="audit_imports")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="audit_imports")
    format = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    rejected_sample = models.JSONField(default=list, help_text="The first rejected rows: [line, reason].")
    column_map = models.JSONField(
        default=dict, blank=True,
        help_text="For an export under other column names: its header -> canonical field, set by hand.")
    sheet = models.CharField(
        max_length=200, blank=True, help_text="The one sheet of a workbook to read (its columns mapped by hand), else all.")
    sheets = models.JSONField(
        default=list, blank=True,
        help_text="Per sheet of a workbook: {name, format, kind, read, rows, repeated, rejected, error} if it was "
                  "read, {name, format: null, why} if it is not an export.")
    time_zone = models.CharField(
        max_length=64, default="UTC",
        help_text="The IANA zone times without one were read in; stored times are UTC.")
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The import of the same document this one reads again (in another zone); "
                  "its rows are removed when this one succeeds, and kept if it fails.")
    rules_version = models.CharField(max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta(Job.Meta):
        ordering = ["-created_at"]

    REJECTED_SAMPLE = 100  # rejected rows kept to show, by line; all are counted

    def __str__(self) -> str:
        return f"{self.request.tracking}: {self.document} ({self.get_state_display()})"

    lines_done = alias("handled")
    lines_total = alias("total")

    @property
    def rows_read(self) -> int:
        """Rows read from the file: those stored and those already stored from an earlier release."""
        return self.rows + self.duplicates

    def note_rejected(self, samples: list[tuple[int, str]], count: int | None = None) -> None:
        """Counts rejected rows (``count``, default one per sample) and keeps the first few."""
        self.rejected += len(samples) if count is None else count
        room = self.REJECTED_SAMPLE - len(self.rejected_sample)
        self.rejected_sample.extend([line, reason] for line, reason in samples[:max(room, 0)])


class SearchEvent(models.Model):
    # A release can hold millions of searches. Without database-level foreign keys an import
    # writes them several times faster (PostgreSQL checks each key of each row at commit);
    # rows are only ever written by the importer for an import it holds, and deleting a
    # request or an import still removes its searches (Django's CASCADE, one DELETE).
    # No index of its own on request: the unique constraint and the time index lead with it.
    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="search_events",
                                db_constraint=False, db_index=False)
    audit_import = models.ForeignKey(AuditImport, on_delete=models.CASCADE, related_name="events",
                                     db_constraint=False)  # indexed: an import's rows are removed on failure
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=40, help_text="Digest of the row, so a row released twice counts once.")
    searched_at = models.DateTimeField(null=True)
    organization = models.CharField(max_length=300, blank=True)
    organization_state = models.CharField(max_length=2, blank=True)
    federal = models.BooleanField(default=False)
    user = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    case_number = models.CharField(max_length=200, blank=True)
    search_type = models.CharField(max_length=60, blank=True)
    networks = models.PositiveIntegerField(null=True)
    devices = models.PositiveIntegerField(null=True)
    time_frame_start = models.CharField(max_length=60, blank=True)
    time_frame_end = models.CharField(max_length=60, blank=True)
    plate = models.CharField(max_length=40, blank=True)
    categories = models.CharField(max_length=100, blank=True, help_text='Flag categories as ",immigration,federal,".')
    flags = models.JSONField(default=list, help_text="[[category, rule], ...]")

    class Meta:
        constraints = [
            # Repeated rows, within a release or across its monthly files, count once per request.
            models.UniqueConstraint(fields=["request", "key"], name="one_search_per_row"),
        ]
        indexes = [
            # Reports: a request's searches by month.
            models.Index(fields=["request", "searched_at"], name="search_request_time"),
        ]


class HotlistEvent(models.Model):
    """One entry of a hot-list event log: a plate added to, changed on or removed from a list."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="hotlist_events")
    audit_import = models.ForeignKey(AuditImport, on_delete=models.CASCADE, related_name="hotlist_events")
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=40, help_text="Digest of the row, so a row released twice counts once.")
    occurred_at = models.DateTimeField(null=True)
    user = models.CharField(max_length=200, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    entity_type = models.CharField(max_length=100, blank=True)
    details = models.JSONField(default=dict, help_text='The "Label: value" lines of Entity Details.')
    plate = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=1000, blank=True)
    categories = models.CharField(max_length=100, blank=True, help_text='Flag categories as ",immigration,".')
    flags = models.JSONField(default=list, help_text="[[category, rule], ...]")

    class Meta:
        ordering = ["occurred_at", "line"]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="one_hotlist_event_per_row")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.entity_type} ({self.occurred_at})"


class SharingRelation(models.Model):
    """An organization the agency shares ALPR data with, or that shares with it (or both),
    as one row of a released sharing list names it."""

    DIRECTIONS = list(Direction.LABELS.items())

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="sharing_relations")
    audit_import = models.ForeignKey(AuditImport, on_delete=models.CASCADE, related_name="relations")
    organization = models.CharField(max_length=300)
    direction = models.CharField(max_length=20, choices=DIRECTIONS)
    state = models.CharField(max_length=2, blank=True)
    kind = models.CharField(max_length=10)
    networks_shared_with_me = models.JSONField(
        default=list, blank=True, help_text="The organization's networks the agency can search, as listed.")
    networks_sharing = models.JSONField(
        default=list, blank=True, help_text="The agency's networks the organization can search, as listed.")

    class Meta:
        ordering = ["state", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["request", "organization", "direction"], name="one_relation_per_direction"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.direction})"


class CustomTerm(models.Model):
    """A word or phrase an organization adds to a flagging category (matched whole-word)."""

    organization = models.ForeignKey("teams.Organization", on_delete=models.CASCADE, related_name="audit_terms")
    category = models.CharField(max_length=30)
    term = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "term"]
        constraints = [models.UniqueConstraint(fields=["organization", "category", "term"], name="one_term_per_category")]

    def __str__(self) -> str:
        return f"{self.term} ({self.category})"

    @classmethod
    def rules_of(cls, organization_id: int) -> tuple[rules.Rule, ...]:
        """The organization's own terms as rules, for searches and hot-list entries alike."""
        terms = cls.objects.filter(organization_id=organization_id, category__in=rules.CATEGORIES)
        return tuple(rules.custom_rule(t.category, t.term) for t in terms)


class RosterUser(models.Model):
    """One account of the agency's Flock user roster (records item 6)."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="roster_users")
    audit_import = models.ForeignKey(AuditImport, on_delete=models.CASCADE, related_name="roster_users")
    line = models.PositiveIntegerField()
    key = models.CharField(max_length=40, help_text="Digest of the email (else the name): a user listed twice counts once.")
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=100, blank=True)
    permissions = models.CharField(max_length=1000, blank=True)
    status = models.CharField(max_length=60, blank=True)
    last_login = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "email"]
        constraints = [models.UniqueConstraint(fields=["request", "key"], name="one_roster_user_per_request")]

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.role})"
