"""Records requests: one organization asking one agency for a list of items."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from requests_app.agencies.models import Agency
from requests_app.jobs.models import Job, alias
from requests_app.outbox.selectors import EmailedRow
from requests_app.teams.models import Organization


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PROCESSING = "processing", "Processing"
    NEEDS_CLARIFICATION = "needs_clarification", "Needs clarification"
    FEE_REQUESTED = "fee_requested", "Fee requested"
    PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
    FULFILLED = "fulfilled", "Fulfilled"
    NO_RECORDS = "no_records", "No records"
    DENIED = "denied", "Denied"
    APPEALED = "appealed", "Appealed"
    LITIGATION = "litigation", "Litigation"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Groups of statuses the rest of the app acts on, defined once here.
AWAITING_ANSWER = frozenset({Status.SUBMITTED, Status.ACKNOWLEDGED, Status.PROCESSING, Status.PARTIALLY_FULFILLED})
CLOSED = frozenset({Status.FULFILLED, Status.NO_RECORDS, Status.WITHDRAWN})
# The agency has given its answer (records, none, or a denial): no constructive denial is left to claim.
ANSWERED = frozenset({Status.DENIED, Status.NO_RECORDS, Status.PARTIALLY_FULFILLED, Status.FULFILLED})
# The agency has stopped the clock until we answer (a clarification, a fee).
WAITING_ON_US = frozenset({Status.NEEDS_CLARIFICATION, Status.FEE_REQUESTED})
# Refused and contested: no follow-ups are due; the appeal or the lawsuit is the next step.
DISPUTED = frozenset({Status.DENIED, Status.APPEALED, Status.LITIGATION})


class TrackingCounter(models.Model):
    """The last tracking number handed out in a year (RR-2026-0042 is number 42)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


class CustomItem(models.Model):
    """A line item an organization adds to the built-in catalogue."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="custom_items")
    key = models.SlugField(max_length=60, help_text="Stable short name, e.g. drone-logs.")
    title = models.CharField(max_length=200)
    wording = models.TextField(help_text='What to ask for. "{period}" is replaced by the date range.')
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="one_custom_item_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class Tag(models.Model):
    """A label an organization puts on its requests, e.g. "batch 2" or "follow up by phone"."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [
            # "ALPR" and "alpr" are one tag; also serves the list's filter by tag name.
            models.UniqueConstraint(models.F("organization"), Lower("name"), name="one_tag_per_name"),
        ]

    def __str__(self) -> str:
        return self.name


class SendChannel(models.TextChoices):
    EMAIL = "email", "Email"
    PORTAL = "portal", "Records portal"
    MAIL = "mail", "Mail"


# The outbox kind of a request's own letter emailed to the agency (workflow/sending.py).
REQUEST_LETTER = "request_letter"


class RecordsRequest(EmailedRow, models.Model):
    email_kind = REQUEST_LETTER

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.SET_NULL, null=True, blank=True, related_name="requests"
    )
    tracking = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    fee_cap = models.DecimalField(max_digits=8, decimal_places=2, default=50)
    letter_text = models.TextField(blank=True)
    letter_edited = models.BooleanField(default=False, help_text="The text was changed by hand.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_via = models.CharField(max_length=10, choices=SendChannel.choices, blank=True)
    submission_reference = models.CharField(max_length=200, blank=True)
    submitted_to = models.TextField(
        blank=True, help_text="Where the letter went: the email address, portal URL or postal address used, "
        "as the directory had it then.",
    )
    agency_reference = models.CharField(max_length=200, blank=True, help_text="The agency's own tracking number.")
    email_message_id = models.CharField(max_length=255, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_requests",
        help_text="The member who looks after this request.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="requests")
    reminders_paused = models.BooleanField(
        default=False, help_text="No reminder goes out while set; the next scan after resuming catches up."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A campaign asks each agency once; re-running it reuses the request.
            models.UniqueConstraint(
                fields=["campaign", "agency"],
                condition=models.Q(campaign__isnull=False),
                name="one_request_per_agency_per_campaign",
            ),
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True)
                | models.Q(date_to__isnull=True)
                | models.Q(date_from__lte=models.F("date_to")),
                name="request_date_range_in_order",
            ),
        ]
        indexes = [
            # The request list: an organization's requests by status. With the id, the
            # dashboard's counts by status and its join of running clocks to their requests
            # read the index alone.
            models.Index(fields=["organization", "status", "id"], name="request_org_status"),
            # The request list's default order, newest first (read backwards: oldest first),
            # and its status filters, which walk it until a page is full.
            models.Index(fields=["organization", "created_at", "id"], name="request_org_created"),
            # The agencies an organization has requests with (the request list's agency
            # filter): a skip scan, one probe per agency, whatever the number of requests.
            models.Index(fields=["organization", "agency"], name="request_org_agency"),
            # The reminder scan's "requests whose reminders are paused" subquery.
            models.Index(fields=["id"], condition=models.Q(reminders_paused=True), name="request_reminders_paused"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking} {self.agency.name}"


class RequestItem(models.Model):
    """One thing asked for, copied from the catalogue so later edits never alter a sent
    letter, with what the agency did about it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        RELEASED = "released", "Released"
        PARTLY_RELEASED = "partly_released", "Partly released"
        WITHHELD = "withheld", "Withheld"
        NO_RECORDS = "no_records", "No records"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    wording = models.TextField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    exemption = models.CharField(max_length=500, blank=True, help_text="The exemption cited for withholding.")
    outcome_note = models.CharField(max_length=500, blank=True)
    outcome_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "key"], name="one_item_per_key"),
        ]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """One move of a request's status: who, when, why, from and to. ``changed_at`` is when it
    was recorded; ``effective_on`` the day it took effect (the day the agency's answer came,
    say), which may be earlier. Moves recorded before it was kept have none."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    effective_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["request", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.tracking}: {self.from_status} → {self.to_status}"


class RequestEvent(models.Model):
    """One change on a request, for the request page's history: who (null: the system, e.g.
    a worker or an email import), when, and what changed in a line of text.

    ``occurred_at`` is when the change was recorded. ``happened_on`` is the day what it
    records happened, where the person recording it gave one (a reply that came on Monday,
    logged on Wednesday; a letter posted before it was recorded as submitted); null when the
    change is the event itself (an edit, a status moved by hand)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        LETTER_EDITED = "letter_edited", "Letter edited"
        LETTER_FINALISED = "letter_finalised", "Letter finalised"
        SENT = "sent", "Sent"
        STATUS_CHANGED = "status_changed", "Status changed"
        OWNER_CHANGED = "owner_changed", "Owner changed"
        TAGS_CHANGED = "tags_changed", "Tags changed"
        REMINDERS_PAUSED = "reminders_paused", "Reminders paused"
        REMINDERS_RESUMED = "reminders_resumed", "Reminders resumed"
        COMMUNICATION_LOGGED = "communication_logged", "Communication logged"
        DOCUMENT_ADDED = "document_added", "Document added"
        FEE_RECORDED = "fee_recorded", "Fee recorded"
        FOLLOW_UP_DRAFTED = "follow_up_drafted", "Follow-up drafted"
        FOLLOW_UP_NOT_DRAFTED = "follow_up_not_drafted", "Follow-up not drafted"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(auto_now_add=True)
    happened_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    summary = models.TextField()

    class Meta:
        indexes = [
            # The request page's history: a request's latest events, newest first.
            models.Index(fields=["request", "occurred_at"], name="request_event_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}: {self.summary}"

    @property
    def recorded_later(self) -> bool:
        """Whether it was recorded on another day than it happened."""
        return self.happened_on is not None and self.happened_on != timezone.localdate(self.occurred_at)


class BulkJob(Job):
    """A bulk action too slow for one page load (rendering letters, drafting follow-ups),
    run by a worker a few requests at a time. It is data first: the page follows its
    progress, a sweep restarts one whose worker stopped, and each request's outcome is kept.
    Its progress counts requests: ``handled`` of ``request_ids`` (``total``)."""

    class Action(models.TextChoices):
        DRAFT_FOLLOW_UPS = "draft_follow_ups", "Draft follow-ups"
        SEND_LETTERS = "send_letters", "Send drafted letters"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="bulk_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    acknowledge_residency = models.BooleanField(
        default=False, help_text="The member confirmed the residency warnings of the letters it renders.")
    request_ids = models.JSONField(default=list, help_text="The requests to act on, in order.")
    done = models.JSONField(default=list, help_text="[request id, tracking, what was done] per request changed.")
    skipped = models.JSONField(default=list, help_text="[request id, tracking, why not] per request left alone.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)

    class Meta(Job.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({len(self.request_ids)} requests)"

    position = alias("handled")  # how many of request_ids have been handled

    @property
    def percent(self) -> int:
        return round(100 * self.handled / self.total) if self.total else 100
