"""The history backfill (records migration 0007): requests and status changes older than the
history get their lines, with the original time and person, once."""

from __future__ import annotations

import importlib
from datetime import datetime, timezone

import pytest
from django.apps import apps

from requests_app.records.models import RecordsRequest, RequestEvent, StatusChange
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("requests_app.records.migrations.0007_backfill_request_history").backfill
LONG_AGO = datetime(2025, 3, 4, 15, 30, tzinfo=timezone.utc)


@pytest.fixture
def alice():
    return MembershipFactory(user__username="alice")


def old_request(alice) -> RecordsRequest:
    """A request as it was before the history: status changes, no events."""
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("WA")),
                            user=alice.user)
    RecordsRequest.objects.filter(pk=request.pk).update(created_at=LONG_AGO, status="acknowledged")
    StatusChange.objects.bulk_create([
        StatusChange(request=request, from_status="draft", to_status="submitted", changed_by=alice.user),
        StatusChange(request=request, from_status="submitted", to_status="acknowledged", reason="letter of 5 March"),
    ])
    StatusChange.objects.filter(request=request).update(changed_at=LONG_AGO)
    RequestEvent.objects.filter(request=request).delete()
    return request


def lines(request) -> list[tuple[str, str, object, datetime]]:
    return [(e.kind, e.summary, e.actor_id, e.occurred_at)
            for e in RequestEvent.objects.filter(request=request).order_by("occurred_at", "pk")]


def test_old_requests_get_their_creation_and_status_changes_with_original_times(alice):
    request = old_request(alice)
    backfill(apps, None)
    assert lines(request) == [
        ("created", f"created: {request.title!r} to {request.agency.name}", alice.user.pk, LONG_AGO),
        ("status_changed", "status: Draft → Submitted", alice.user.pk, LONG_AGO),
        ("status_changed", "status: Submitted → Acknowledged (letter of 5 March)", None, LONG_AGO),
    ]


def test_running_it_again_adds_nothing(alice):
    request = old_request(alice)
    backfill(apps, None)
    before = lines(request)
    backfill(apps, None)
    assert lines(request) == before


def test_requests_with_a_history_keep_it_as_it_is(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("WA")),
                            user=alice.user)
    request_transition(request=request, to_status="withdrawn", user=alice.user, reason="duplicate")
    before = lines(request)
    assert [kind for kind, *_ in before] == ["created", "status_changed"]
    backfill(apps, None)
    assert lines(request) == before


def test_new_lines_are_still_timed_now_after_the_backfill(alice):
    old_request(alice)
    backfill(apps, None)
    assert RequestEvent._meta.get_field("occurred_at").auto_now_add
