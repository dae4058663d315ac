"""Campaigns: one request definition sent to many agencies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from requests_app.teams.models import Organization


class RenderState(models.TextChoices):
    IDLE = "", "Not started"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Rendering"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


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
    render_error = models.TextField(blank=True)
    render_updated_at = models.DateTimeField(null=True, blank=True)
    render_acknowledged_residency = models.BooleanField(default=False)
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
    def render_percent(self) -> int:
        return round(100 * self.render_done / self.render_total) if self.render_total else 0
