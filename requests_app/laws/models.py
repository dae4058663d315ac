"""Jurisdictions and their public-records laws: every fact with its section, its sources
and whether it is verified against a primary source.

The rows are loaded from ``requests_app/laws/data/jurisdictions/<CODE>.json`` by a data
migration (see ``loader.py``); edit the data files, not the rows.
"""

from __future__ import annotations

from django.db import models


class Verification(models.TextChoices):
    VERIFIED = "verified", "Verified against its primary source"
    UNVERIFIED = "unverified", "Unverified"


class Sourced(models.Model):
    """A fact of a law with its pinpoint section, its sources and whether it is verified.

    ``sources`` holds the cited sources themselves ({"kind", "title", "url", "read_on",
    "note"}), copied from the data file, so a page shows them without a lookup. A fact is
    verified only when one of them is primary (statute, court decision or official page).
    """

    section = models.CharField(max_length=200, blank=True, help_text='Pinpoint citation, e.g. "§ 552.221(d)".')
    sources = models.JSONField(default=list)
    status = models.CharField(max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED)
    verified_on = models.DateField(null=True, blank=True, help_text="When the primary source was read.")

    class Meta:
        abstract = True

    @property
    def verified(self) -> bool:
        return self.status == Verification.VERIFIED

    @property
    def confidence(self) -> str:
        """The API's older mark: high (verified), medium (secondary support only), low (none)."""
        if self.verified:
            return "high"
        return "medium" if any(s.get("url") for s in self.sources) else "low"


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
        if self.in_a_state:
            return self.parent.code
        return self.code

    @property
    def state_name(self) -> str:
        """The name that goes with ``state_code``: "Texas" for Travis County too."""
        if self.in_a_state:
            return self.parent.name
        return self.name

    @property
    def in_a_state(self) -> bool:
        """A local jurisdiction with its state: the state's name and law are its own."""
        return self.kind == self.Kind.LOCAL and bool(self.parent_id)

    @property
    def governed_by_id(self) -> int:
        """The id of the jurisdiction whose law governs this one (governing_law's): a local's
        state, else itself; for loading the laws of many jurisdictions at once."""
        return self.parent_id if self.in_a_state else self.pk

    def governing_law(self) -> PublicRecordsLaw | None:
        """A local jurisdiction has no law of its own: its state's law applies."""
        if self.in_a_state:
            return self.parent.governing_law()
        return getattr(self, "law", None)


class DayType(models.TextChoices):
    BUSINESS = "business", "business days"
    CALENDAR = "calendar", "calendar days"
    NONE = "none", "no fixed number of days"


class PublicRecordsLaw(models.Model):
    """A jurisdiction's public-records act: the facts the app acts on, loaded from the data
    file. Every fact shown to users carries its section, sources and status (``facts`` and
    ``deadlines``); the fields here are what letters and clocks read."""

    class Residency(models.TextChoices):
        NO = "no", "Anyone may request"
        YES = "yes", "Residents only"
        DISPUTED = "disputed", "Disputed"

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.CASCADE, related_name="law")
    name = models.CharField(max_length=200)
    citation = models.CharField(max_length=200)
    summary = models.TextField(help_text="What the clock requires, in plain words.")
    standard = models.CharField(
        max_length=200,
        blank=True,
        help_text='The law\'s own words where it sets no fixed deadline, e.g. "promptly".',
    )
    residency_limit = models.CharField(max_length=10, choices=Residency.choices)
    residency_note = models.TextField(blank=True)
    residency_exceptions = models.JSONField(default=list, help_text="Who else may request (Virginia: media).")
    residency_statement = models.TextField(
        blank=True, help_text="The sentence a letter carries, with {signer} for the person signing."
    )
    residency_alternatives = models.JSONField(
        default=dict, help_text='Other bases and their sentences, e.g. {"media": "..."}.'
    )
    identification_note = models.TextField(blank=True)
    appeal_route = models.TextField()
    timing_text = models.TextField(blank=True, help_text="The letter's timing paragraph, in the law's own terms.")
    counting = models.JSONField(
        default=list, help_text='Rules that change dates: [{"rule", "text", "days", "section", "status"}].'
    )
    silence_is_denial = models.BooleanField(
        default=False,
        help_text="No response by the deadline is a denial that can be appealed (a constructive denial). Set from "
                  "the data's silence_is_denial counting rule, which carries its section, sources and status.",
    )
    also_cite = models.JSONField(
        default=list, help_text='Other acts a letter cites for some agencies: [{"applies_to", "name", "citation", "text"}].'
    )
    local_calendar_note = models.TextField(blank=True)
    receipt_note = models.TextField(blank=True)
    sources = models.JSONField(default=list, help_text='Every source of the file: [{"id", "kind", "title", "url", ...}].')
    status = models.CharField(
        max_length=12, choices=Verification.choices, default=Verification.UNVERIFIED,
        help_text="Verified when the act, the response deadline, residency and the letter's timing are.",
    )
    reviewed_on = models.DateField(null=True, blank=True)
    data_version = models.CharField(max_length=20, help_text="The data's compiled date.")

    class Meta:
        verbose_name = "public-records law"

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.code})"

    @property
    def verified(self) -> bool:
        return self.status == Verification.VERIFIED

    @property
    def confidence(self) -> str:
        return "high" if self.verified else "low"

    @property
    def response_deadline(self) -> StatutoryDeadline | None:
        return self.deadline(StatutoryDeadline.Kind.RESPONSE)

    def deadline(self, kind: str) -> StatutoryDeadline | None:
        """The law's first clock of this kind (from the prefetched deadlines), or None."""
        return next((d for d in self.deadlines.all() if d.kind == kind), None)

    @property
    def no_deadline_wording(self) -> str:
        """What a letter says where the law sets no fixed number of days."""
        return self.standard or "within a reasonable time"

    @property
    def limits_residency(self) -> bool:
        return self.residency_limit != self.Residency.NO

    def counting_rule(self, rule: str) -> dict | None:
        """The counting rule with this key ("email_received_next_business_day", ...), or None."""
        return next((r for r in self.counting if r.get("rule") == rule), None)

    def also_cited_for(self, *, criminal_justice: bool) -> list[dict]:
        """Other acts a letter cites: for a criminal justice agency (police, sheriff, task
        force, bureau of investigation), Colorado's Criminal Justice Records Act."""
        return [c for c in self.also_cite if c.get("applies_to") == "police" and criminal_justice]


class LawFact(Sourced):
    """One fact of a law other than a deadline: the act's citation, who may request, the
    appeal route, a fee rule, a counting rule, the letter's timing paragraph, the holidays."""

    class Topic(models.TextChoices):
        ACT = "act", "The act"
        RESIDENCY = "residency", "Who may request"
        APPEAL = "appeal", "Appeal"
        FEES = "fees", "Fees"
        COUNTING = "counting", "Counting the days"
        LETTER = "letter", "What a letter says"
        HOLIDAYS = "holidays", "Days offices are closed"

    law = models.ForeignKey(PublicRecordsLaw, on_delete=models.CASCADE, related_name="facts")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=40, help_text='Where it is in the data file: "fees.copies", "holidays.2026".')
    topic = models.CharField(max_length=12, choices=Topic.choices)
    label = models.CharField(max_length=120)
    text = models.TextField()

    class Meta:
        ordering = ["law", "position"]
        constraints = [models.UniqueConstraint(fields=["law", "key"], name="one_fact_per_key")]

    def __str__(self) -> str:
        return f"{self.law.jurisdiction.code} {self.key}"


class StatutoryDeadline(Sourced):
    """One clock a law sets: acknowledgment, response, production, extension or appeal."""

    class Kind(models.TextChoices):
        ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
        RESPONSE = "response", "Response"
        PRODUCTION = "production", "Production"
        EXTENSION = "extension", "Extension"
        APPEAL = "appeal", "Appeal window"
        OTHER = "other", "Other"

    class Action(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", "acknowledge the request"
        DETERMINE = "determine", "grant or deny"
        PRODUCE = "produce", "produce the records"
        CERTIFY = "certify", "certify when the records will be ready"
        SEEK_RULING = "seek_ruling", "ask for a ruling to withhold"
        NOTIFY = "notify", "notify the requester"
        FILE_APPEAL = "file_appeal", "file an appeal"
        DECIDE_APPEAL = "decide_appeal", "decide the appeal"

    class Start(models.TextChoices):
        RECEIPT = "receipt", "receipt of the request"
        ACKNOWLEDGMENT = "acknowledgment", "the acknowledgment"
        DETERMINATION = "determination", "the determination"
        RESPONSE_DUE = "response_due", "the original due date"
        DENIAL = "denial", "the denial"

    law = models.ForeignKey(PublicRecordsLaw, on_delete=models.CASCADE, related_name="deadlines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    action = models.CharField(max_length=20, choices=Action.choices, blank=True)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    day_type = models.CharField(max_length=10, choices=DayType.choices)
    starts_from = models.CharField(max_length=20, choices=Start.choices)
    requires = models.TextField(help_text="What must happen by this date, and by whom.")
    written_notice = models.BooleanField(default=False)
    note = models.TextField(blank=True)

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

    @property
    def citation(self) -> str:
        return self.section

    def describe(self) -> str:
        """The rule in plain words, e.g. "within 10 business days of receipt of the request"."""
        if self.day_type == DayType.NONE:
            return f"{self.law.no_deadline_wording} (the law sets no fixed number of days)"
        unit = "business day" if self.day_type == DayType.BUSINESS else "calendar day"
        plural = "" if self.days == 1 else "s"
        return f"within {self.days} {unit}{plural} of {self.get_starts_from_display()}"
