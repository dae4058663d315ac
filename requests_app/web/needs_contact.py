"""The needs-contact list: agencies with neither a records email nor a records portal, those
the organization has requests with first. It reads requests as well as the directory, so it
lives above both."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from requests_app.agencies.contacts import NeedsContactFilters, without_contact
from requests_app.agencies.models import Agency
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Organization


def needing_contact(*, filters: NeedsContactFilters, organization: Organization) -> QuerySet[Agency]:
    """Those the organization has requests with (a campaign's included) first, then Flock
    network members, then by population."""
    return (
        without_contact(filters).annotate(ours=_has_requests_of(organization))
        .select_related("jurisdiction__parent")
        .order_by(F("ours").desc(), F("in_flock_network").desc(), F("population").desc(nulls_last=True),
                  "name", "pk")
    )


def needs_contact_counts(*, filters: NeedsContactFilters, organization: Organization) -> dict[str, int]:
    """How many agencies the list holds, how many the organization has requests with, and how
    many have at least a mailing address (a letter can go by mail), in one query."""
    # The condition is repeated rather than read from an annotation: an aggregate over an
    # annotated queryset does not carry the annotation into its subquery.
    return without_contact(filters).aggregate(
        total=Count("pk"),
        ours=Count("pk", filter=Q(_has_requests_of(organization))),
        by_mail=Count("pk", filter=~Q(mailing_address="")),
    )


def _has_requests_of(organization: Organization) -> Exists:
    return Exists(RecordsRequest.objects.filter(organization=organization, agency=OuterRef("pk")))
