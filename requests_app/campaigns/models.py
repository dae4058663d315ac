"""Campaigns: one request definition sent to many agencies."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from requests_app.jobs.models import Job, alias
from requests_app.teams.models import Organization


class RenderState(models.TextChoices):
    IDLE = "", "Not started"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Rendering"
    DONE = "done", "Done"  # every letter was tried; some may have failed (render_failures)
    FAILED = "failed", "Failed"  # every letter failed: none was rendered


def _rendering_field(name: str) -> property:
    def get(campaign: Campaign) -> object:
        return getattr(campaign.rendering_or_idle, name)

    def set_(campaign: Campaign, value: object) -> None:
        setattr(campaign.rendering_or_idle, name, value)

    return property(get, set_)


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
    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # `draft_letters` finds a campaign again by its slug.
            models.UniqueConstraint(fields=["organization", "slug"], name="one_campaign_per_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rendering_or_idle(self) -> CampaignRendering:
        """The rendering of the campaign's letters; before the first, an idle one (not saved)."""
        try:
            return self.rendering
        except CampaignRendering.DoesNotExist:
            self.rendering = CampaignRendering(campaign=self, state=RenderState.IDLE)
            return self.rendering

    # The rendering's figures under the names the pages and the API use.
    render_state = _rendering_field("state")
    render_total = _rendering_field("total")
    render_done = _rendering_field("rendered")
    render_failures = _rendering_field("failures")

    @property
    def render_failed(self) -> int:
        return self.rendering_or_idle.failed

    @property
    def render_percent(self) -> int:
        return self.rendering_or_idle.percent

    @property
    def render_summary(self) -> str:
        return self.rendering_or_idle.summary

    @property
    def render_failure_lines(self) -> list[str]:
        return [failure_line(f) for f in self.render_failures]


class CampaignRendering(Job):
    """The finalising of a campaign's draft letters, in parts that workers render side by
    side (campaigns/services.py, jobs/parts.py). One per campaign, begun afresh by each
    "generate the PDFs"."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, primary_key=True, related_name="rendering")
    state = models.CharField(max_length=10, choices=RenderState.choices, default=RenderState.QUEUED)
    rendered = models.PositiveIntegerField(default=0, help_text="Letters finalised in this run.")
    failures = models.JSONField(
        default=list, blank=True,
        help_text="The letters this run could not finalise: request id, tracking, agency and why, one each.",
    )
    acknowledged_residency = models.BooleanField(default=False)
    residency_basis = models.CharField(
        max_length=40, default="citizen",
        help_text='The ground residents-only letters state for the signer: "citizen", or another the law accepts.',
    )

    def __str__(self) -> str:
        return f"{self.campaign}: {self.summary}"

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def percent(self) -> int:
        processed = self.rendered + self.failed
        return min(100, round(100 * processed / self.total)) if self.total else 0

    @property
    def summary(self) -> str:
        """Where the run is, in one line: "Rendering: 12 of 29", "Done: 28 rendered, 1 failed"."""
        state = RenderState(self.state)
        if state == RenderState.IDLE:
            return state.label
        if state in (RenderState.QUEUED, RenderState.RUNNING):
            counts = f" ({self.rendered} rendered, {self.failed} failed)" if self.failed else ""
            return f"{state.label}: {self.rendered + self.failed} of {self.total}{counts}"
        return f"{state.label}: {self.rendered} rendered, {self.failed} failed"


def failure_line(failure: dict) -> str:
    """One failed letter as a readable line: "Eugene Police Department (RR-2026-0012): why"."""
    if not failure.get("agency"):  # carried over from the old one-text-field report
        return failure["reason"]
    return f"{failure['agency']} ({failure['tracking']}): {failure['reason']}"


def packet_export_path(instance: PacketExport, filename: str) -> str:
    # Generated, never user-supplied, so two exports can never share a file.
    return f"packets/{instance.campaign.organization_id}/{uuid.uuid4().hex}.zip"


class PacketExport(Job):
    """A campaign's evidence packets in one ZIP, built by workers in parts, then assembled
    (campaigns/exports.py).

    It is data first: the page follows its progress, a sweep takes up a part or the
    assembly whose worker stopped, and the finished ZIP stays in storage to download."""

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
    file = models.FileField(upload_to=packet_export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta(Job.Meta):
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign} packets ({self.get_state_display().lower()})"

    done = alias("handled")  # requests packed so far, of the campaign's when its parts were planned

    @property
    def assembling(self) -> bool:
        """Every request packed, the ZIP not yet put together."""
        return self.state == self.State.RUNNING and self.total > 0 and self.handled >= self.total

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        packed = round(100 * self.handled / self.total) if self.total else 0
        return min(packed, 99)  # 100 once the ZIP is assembled and stored

    @property
    def summary(self) -> str:
        """Where the export is, in one line: "Packing: 40 of 120", "Assembling the ZIP: 120 of 120"."""
        label = "Assembling the ZIP" if self.assembling else self.get_state_display()
        return f"{label}: {self.handled} of {self.total}"
