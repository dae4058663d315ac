"""Keeping Agency.vendors in step with the evidence for each vendor."""

from __future__ import annotations

from requests_app.agencies.models import Agency, AlprVendor


def agency_vendors_sync(*, agency: Agency) -> None:
    """Sets the agency's vendors to exactly those it has evidence for (after an edit by hand)."""
    agency.vendors.set(
        AlprVendor.objects.filter(evidence__agency=agency).distinct()
    )

