"""Campaigns: one request definition sent to many agencies."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from requests_app.teams.models import Organization


class RenderState(models.TextChoices):
    IDLE = "", "Not started"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Rendering"
    DONE = "done", "Done"  # every letter was tried; some may have failed (render_failures)
    FAILED = "failed", "Failed"  # every letter failed: none was rendered


class Campaign(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80)
    item_keys = models.JSONField(default=list, help_text="Catalogue keys, in letter order.")
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    fee_cap = models.DecimalField(max_digits=8, decimal_places=2, default=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    render_state = models.CharField(max_length=10, choices=RenderState.choices, blank=True)
    render_total = models.PositiveIntegerField(default=0)
    render_done = models.PositiveIntegerField(default=0)
    render_failures = models.JSONField(
        default=list, blank=True,
        help_text="The letters this run could not finalise: request id, tracking, agency and why, one each.",
    )
    render_updated_at = models.DateTimeField(null=True, blank=True)
    render_acknowledged_residency = models.BooleanField(default=False)
    render_residency_basis = models.CharField(
        max_length=40, default="citizen",
        help_text='The ground residents-only letters state for the signer: "citizen", or another the law accepts.',
    )
    render_cursor = models.PositiveBigIntegerField(default=0, help_text="Last request id rendered in this run.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # `draft_letters` finds a campaign again by its slug.
            models.UniqueConstraint(fields=["organization", "slug"], name="one_campaign_per_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def render_failed(self) -> int:
        return len(self.render_failures)

    @property
    def render_percent(self) -> int:
        processed = self.render_done + self.render_failed
        return min(100, round(100 * processed / self.render_total)) if self.render_total else 0

    @property
    def render_summary(self) -> str:
        """Where the run is, in one line: "Rendering: 12 of 29", "Done: 28 rendered, 1 failed"."""
        state = RenderState(self.render_state)
        if state == RenderState.IDLE:
            return state.label
        if state in (RenderState.QUEUED, RenderState.RUNNING):
            counts = f" ({self.render_done} rendered, {self.render_failed} failed)" if self.render_failed else ""
            return f"{state.label}: {self.render_done + self.render_failed} of {self.render_total}{counts}"
        return f"{state.label}: {self.render_done} rendered, {self.render_failed} failed"

    @property
    def render_failure_lines(self) -> list[str]:
        return [failure_line(f) for f in self.render_failures]


def failure_line(failure: dict) -> str:
    """One failed letter as a readable line: "Eugene Police Department (RR-2026-0012): why"."""
    if not failure.get("agency"):  # carried over from the old one-text-field report
        return failure["reason"]
    return f"{failure['agency']} ({failure['tracking']}): {failure['reason']}"


def packet_export_path(instance: PacketExport, filename: str) -> str:
    # Generated, never user-supplied, so two exports can never share a file.
    return f"packets/{instance.campaign.organization_id}/{uuid.uuid4().hex}.zip"


class PacketExport(models.Model):
    """A campaign's evidence packets in one ZIP, built by a worker (campaigns/exports.py).

    It is data first: the page follows its progress, a sweep restarts one whose worker
    stopped, and the finished ZIP stays in storage to download."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Packing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"
        REPLACED = "replaced", "Replaced by a newer export"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="packet_exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Requests in the campaign when this run began.")
    done = models.PositiveIntegerField(default=0, help_text="Requests packed so far in this run.")
    error = models.TextField(blank=True)
    run = models.UUIDField(null=True, blank=True, editable=False,
                           help_text="The worker run building the ZIP; a restarted run takes over from a stale one.")
    file = models.FileField(upload_to=packet_export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's "unfinished for too long" scan.
            models.Index(fields=["updated_at"], condition=models.Q(state__in=["queued", "running"]),
                         name="packet_export_unfinished"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} packets ({self.get_state_display().lower()})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return round(100 * self.done / self.total) if self.total else 0
