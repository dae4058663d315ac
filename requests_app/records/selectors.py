from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from requests_app.outbox.selectors import with_latest_email
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Organization


def requests_of(organization: Organization) -> QuerySet[RecordsRequest]:
    return RecordsRequest.objects.filter(organization=organization).select_related(
        "agency__jurisdiction__parent", "campaign"
    )


def request_of(organization: Organization, pk: int) -> RecordsRequest:
    """The organization's request, or 404: another organization's id is simply not found."""
    return get_object_or_404(
        with_latest_email(RecordsRequest.objects, kind=RecordsRequest.email_kind).select_related(
            "agency__jurisdiction__parent", "organization__home_state", "campaign", "created_by"
        ),
        pk=pk,
        organization=organization,
    )
