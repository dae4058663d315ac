"""The directory of agencies that hold ALPR records, shared by every organization."""

from __future__ import annotations

from django.db import models

from requests_app.laws.models import Jurisdiction


class AlprVendor(models.Model):
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "ALPR vendor"

    def __str__(self) -> str:
        return self.name


def name_key(name: str) -> str:
    """How agency names are compared: case and spacing do not make a new agency."""
    return " ".join(name.split()).casefold()


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police department"
        SHERIFF = "sheriff", "Sheriff's office"
        STATE_PATROL = "state_patrol", "State patrol / police"
        FEDERAL = "federal", "Federal agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="agencies")
    records_email = models.EmailField(blank=True)
    portal_url = models.URLField(blank=True, max_length=500, verbose_name="records portal URL")
    mailing_address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    vendors = models.ManyToManyField(AlprVendor, blank=True, related_name="agencies")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            # The importer's "same name + state updates" lookup; also stops duplicates.
            models.UniqueConstraint(fields=["jurisdiction", "name_key"], name="one_agency_per_name"),
        ]
        indexes = [
            # The directory's kind filter within a state.
            models.Index(fields=["kind", "jurisdiction"], name="agency_kind_jurisdiction"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.jurisdiction.state_code})"

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)
