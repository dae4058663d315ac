"""A request's statutory clock, every change to it, and the reminders it produces."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.outbox.models import Email
from requests_app.records.models import AWAITING_ANSWER, WAITING_ON_US, RecordsRequest, Status
from requests_app.teams.models import Organization


class RequestClock(models.Model):
    """The dates that currently apply to a request; DeadlineChange keeps how each came about.

    ``organization`` and ``request_status`` copy the request's, so the dashboard's and the
    deadline board's "which clocks of this organization are running" is read from this
    table's own indexes, without joining every clock to its request. The organization never
    changes; the lifecycle copies each status move (deadlines.clock.clock_after_transition).
    Make new clocks with ``RequestClock.of(request, ...)``, which copies both.
    """

    request = models.OneToOneField(RecordsRequest, on_delete=models.CASCADE, related_name="clock")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    request_status = models.CharField(max_length=20, choices=Status.choices)
    sent_on = models.DateField(null=True, blank=True, help_text="The day the request was sent or delivered.")
    received_on = models.DateField(help_text="The day the law counts it as received (day 0).")
    acknowledged_on = models.DateField(null=True, blank=True)
    agency_closed_days = models.JSONField(
        default=list, blank=True,
        help_text='Days the agency itself is closed, e.g. Texas designated days: [{"date", "reason"}].',
    )
    day_type = models.CharField(max_length=10)
    acknowledgment_due = models.DateField(null=True, blank=True)
    response_due = models.DateField(null=True, blank=True, help_text="Current due date, after any extension or pause.")
    paused_on = models.DateField(null=True, blank=True)
    remaining_days = models.PositiveSmallIntegerField(null=True, blank=True)
    appeal_due = models.DateField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    last_follow_up_on = models.DateField(null=True, blank=True)
    explanation = models.TextField()
    reminders_scheduled = models.BooleanField(
        default=False, help_text="Its reminders match its dates (the scan schedules any that do not)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The deadline board's overdue / due this week / follow-up / appeal lists.
            models.Index(fields=["response_due"], name="clock_response_due"),
            # The dashboard's overdue and due-this-week counts: running clocks by due date,
            # with their request, so the count reads the index alone.
            models.Index(fields=["response_due", "request"], condition=models.Q(paused_on__isnull=True),
                         name="clock_running_due"),
            # The dashboard's overdue and due-this-week counts and lists: an organization's
            # running clocks by due date (the id breaks ties, so a list's first rows are read
            # in index order, with no sort), counted from the index alone.
            models.Index(fields=["organization", "response_due", "id"], name="clock_org_awaiting_due",
                         condition=models.Q(request_status__in=sorted(s.value for s in AWAITING_ANSWER), paused_on__isnull=True)),
            # The dashboard's "waiting on us": clocks the agency paused for us, longest first.
            models.Index(fields=["organization", "paused_on"], name="clock_org_waiting_on_us",
                         condition=models.Q(request_status__in=sorted(s.value for s in WAITING_ON_US))),
            models.Index(fields=["follow_up_on"], name="clock_follow_up_on"),
            models.Index(fields=["appeal_due"], name="clock_appeal_due"),
            # The scan's check for clocks whose reminders were never scheduled.
            models.Index(fields=["id"], condition=models.Q(reminders_scheduled=False), name="clock_unscheduled"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking}: due {self.response_due or 'no fixed date'}"

    @classmethod
    def of(cls, request: RecordsRequest, **fields: object) -> RequestClock:
        """A new (unsaved) clock for ``request``, with its organization and status copied."""
        return cls(request=request, organization_id=request.organization_id, request_status=request.status, **fields)


class DeadlineChange(models.Model):
    class Event(models.TextChoices):
        RECEIVED = "received", "Received"
        EXTENDED = "extended", "Extended"
        PAUSED = "paused", "Clock paused"
        RESUMED = "resumed", "Clock resumed"
        DENIED = "denied", "Denied"
        FOLLOWED_UP = "followed_up", "Followed up"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        CALENDAR_CHANGED = "calendar_changed", "Agency's closed days entered"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="deadline_changes")
    event = models.CharField(max_length=20, choices=Event.choices)
    effective_on = models.DateField()
    response_due = models.DateField(null=True, blank=True)
    appeal_due = models.DateField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    explanation = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.tracking}: {self.get_event_display()} {self.effective_on}"


class Reminder(models.Model):
    """A reminder is data: one row per request, kind and target date, sent at most once."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        DUE_TODAY = "due_today", "Due today"
        OVERDUE = "overdue", "Overdue"
        FOLLOW_UP_DUE = "followup_due", "Follow-up due"
        APPEAL_WINDOW_CLOSING = "appeal_window_closing", "Appeal window closing"
        PERSONAL = "personal", "Personal reminder"

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=25, choices=Kind.choices)
    target_date = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="Personal reminders only: the user who set it.",
    )
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.BooleanField(default=False, help_text="Superseded by a later reminder of the same deadline.")
    follow_up_drafted_at = models.DateTimeField(
        null=True, blank=True, help_text="Overdue and follow-up reminders: when their follow-up letter was drafted.")
    follow_up_failed_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When drafting its follow-up letter last failed on its own; those never tried come first.")

    class Meta:
        ordering = ["target_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "target_date"], condition=models.Q(recipient__isnull=True),
                name="one_reminder_per_request_kind_date",
            ),
            models.UniqueConstraint(
                fields=["request", "kind", "target_date", "recipient"], condition=models.Q(recipient__isnull=False),
                name="one_personal_reminder_per_user_date",
            ),
        ]
        indexes = [
            # The scan's claim: unsent reminders due up to today.
            models.Index(fields=["target_date"], condition=models.Q(sent_at__isnull=True, skipped=False),
                         name="reminder_unsent_by_date"),
        ]

    def __str__(self) -> str:
        return f"{self.request.tracking}: {self.get_kind_display()} {self.target_date}"


class Notification(models.Model):
    """The in-app list of what reminders told a user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    reminder = models.ForeignKey(Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The outbox email that carries it: its own, or the digest it went in.
    email = models.ForeignKey(Email, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A re-run of a send task never notifies the same person twice.
            models.UniqueConstraint(fields=["user", "reminder"], name="one_notification_per_user_reminder"),
        ]
        indexes = [
            # The daily digest: a user's notifications not yet emailed.
            models.Index(fields=["user", "emailed_at"], name="notification_user_emailed"),
        ]

    def __str__(self) -> str:
        return self.message[:60]


class Watch(models.Model):
    """A team member who wants the reminders of a request besides its creator."""

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="one_watch_per_user")]


class ReminderPreference(models.Model):
    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", "Email each reminder"
        DIGEST = "digest", "One email a day"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)


class CalendarFeed(models.Model):
    """A user's secret iCalendar address; resetting it revokes the old one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"calendar of {self.user}"
