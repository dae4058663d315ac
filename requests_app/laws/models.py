"""Jurisdictions and their public-records laws, with a source and confidence per fact.

The rows are loaded from ``requests_app/laws/data/public_records_laws.json`` by a data
migration (see ``loader.py``); edit the data file, not the rows.
"""

from __future__ import annotations

from django.db import models


class Confidence(models.TextChoices):
    HIGH = "high", "High: statute or official page"
    MEDIUM = "medium", "Medium: secondary sources"
    LOW = "low", "Low: unverified or disputed"


class Jurisdiction(models.Model):
    class Kind(models.TextChoices):
        FEDERAL = "federal", "Federal"
        STATE = "state", "State"
        LOCAL = "local", "Local"

    code = models.CharField(
        max_length=40, unique=True, help_text='"US", a state code such as "TX", or a local code.'
    )
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The state a local jurisdiction belongs to; its law applies.",
    )

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="local", parent__isnull=False)
                | (~models.Q(kind="local") & models.Q(parent__isnull=True)),
                name="only_local_jurisdictions_have_a_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def state_code(self) -> str:
        """The code whose holidays and law apply: "US", a state, or a local's state."""
        if self.kind == self.Kind.LOCAL and self.parent_id:
            return self.parent.code
        return self.code

    @property
    def state_name(self) -> str:
        """The name that goes with ``state_code``: "Texas" for Travis County too."""
        if self.kind == self.Kind.LOCAL and self.parent_id:
            return self.parent.name
        return self.name

    def governing_law(self) -> PublicRecordsLaw | None:
        """A local jurisdiction has no law of its own: its state's law applies."""
        if self.kind == self.Kind.LOCAL and self.parent_id:
            return self.parent.governing_law()
        return getattr(self, "law", None)


class DayType(models.TextChoices):
    BUSINESS = "business", "business days"
    CALENDAR = "calendar", "calendar days"
    NONE = "none", "no fixed number of days"


class PublicRecordsLaw(models.Model):
    class Residency(models.TextChoices):
        NO = "no", "Anyone may request"
        YES = "yes", "Residents only"
        DISPUTED = "disputed", "Disputed"

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.CASCADE, related_name="law")
    name = models.CharField(max_length=200)
    citation = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the clock requires, in the compiler's words.")
    standard = models.CharField(
        max_length=200,
        blank=True,
        help_text='The law\'s own words where it sets no fixed deadline, e.g. "promptly".',
    )
    residency_limit = models.CharField(max_length=10, choices=Residency.choices)
    residency_note = models.TextField(blank=True)
    residency_confidence = models.CharField(max_length=10, choices=Confidence.choices)
    residency_sources = models.JSONField(default=list)
    appeal_route = models.TextField()
    appeal_confidence = models.CharField(max_length=10, choices=Confidence.choices)
    appeal_sources = models.JSONField(default=list)
    sources = models.JSONField(default=list, help_text='[{"url": ..., "note": ...}, ...]')
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    data_version = models.CharField(max_length=20, help_text="The data file's compiled date.")

    class Meta:
        verbose_name = "public-records law"

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.code})"

    @property
    def response_deadline(self) -> StatutoryDeadline | None:
        return next((d for d in self.deadlines.all() if d.kind == StatutoryDeadline.Kind.RESPONSE), None)

    @property
    def no_deadline_wording(self) -> str:
        """What a letter says where the law sets no fixed number of days."""
        return self.standard or "within a reasonable time"

    @property
    def limits_residency(self) -> bool:
        return self.residency_limit != self.Residency.NO

    def cited_sources(self, indexes: list[int]) -> list[dict[str, str | None]]:
        return [self.sources[i] for i in indexes if 0 <= i < len(self.sources)]


class StatutoryDeadline(models.Model):
    """One clock a law sets: acknowledgment, response, production, extension or appeal."""

    class Kind(models.TextChoices):
        ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
        RESPONSE = "response", "Response"
        PRODUCTION = "production", "Production"
        EXTENSION = "extension", "Extension"
        APPEAL = "appeal", "Appeal window"

    class Start(models.TextChoices):
        RECEIPT = "receipt", "receipt of the request"
        ACKNOWLEDGMENT = "acknowledgment", "the acknowledgment"
        DETERMINATION = "determination", "the determination"
        RESPONSE_DUE = "response_due", "the original due date"
        DENIAL = "denial", "the denial"

    law = models.ForeignKey(PublicRecordsLaw, on_delete=models.CASCADE, related_name="deadlines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    day_type = models.CharField(max_length=10, choices=DayType.choices)
    starts_from = models.CharField(max_length=20, choices=Start.choices)
    requires = models.TextField(help_text="What must happen by this date, and by whom.")
    citation = models.CharField(max_length=200, blank=True)
    written_notice = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    source_indexes = models.JSONField(default=list)

    class Meta:
        ordering = ["law", "position"]
        constraints = [
            models.UniqueConstraint(fields=["law", "position"], name="one_deadline_per_position"),
            models.CheckConstraint(
                condition=models.Q(day_type="none", days__isnull=True)
                | (~models.Q(day_type="none") & models.Q(days__gt=0)),
                name="deadline_days_match_day_type",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.describe()}"

    def describe(self) -> str:
        """The rule in plain words, e.g. "within 10 business days of receipt of the request"."""
        if self.day_type == DayType.NONE:
            return f"{self.law.no_deadline_wording} (the law sets no fixed number of days)"
        unit = "business day" if self.day_type == DayType.BUSINESS else "calendar day"
        plural = "" if self.days == 1 else "s"
        return f"within {self.days} {unit}{plural} of {self.get_starts_from_display()}"

    @property
    def sources(self) -> list[dict[str, str | None]]:
        return self.law.cited_sources(self.source_indexes)
