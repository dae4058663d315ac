"""Bulk actions on a selection of requests: the services, and the form on the list page."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from requests_app.records import bulk
from requests_app.records.models import RecordsRequest, StatusChange, Tag
from requests_app.workflow.bulk import bulk_change_status
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, draft_request

pytestmark = pytest.mark.django_db


def new(membership, **terms) -> RecordsRequest:
    return draft_request(organization=membership.organization, agency=AgencyFactory(), user=membership.user, **terms)


def submitted(membership) -> RecordsRequest:
    request = new(membership)
    request_transition(request=request, to_status="submitted", user=membership.user, on=date(2026, 11, 2))
    return request


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# Services ------------------------------------------------------------------------------


def test_it_changes_the_status_of_those_that_may_move_and_skips_the_others(alice):
    draft, sent = new(alice), submitted(alice)
    result = bulk_change_status(organization=alice.organization, user=alice.user,
                                     request_ids=[draft.pk, sent.pk], to_status="acknowledged", reason="Batch")
    assert result.done == [sent]
    [(skipped, reason)] = result.skipped
    assert skipped == draft and "cannot move from Draft to Acknowledged" in reason
    assert StatusChange.objects.get(request=sent, to_status="acknowledged").reason == "Batch"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_it_skips_a_request_already_in_the_status(alice):
    sent = submitted(alice)
    result = bulk_change_status(organization=alice.organization, user=alice.user, request_ids=[sent.pk],
                                     to_status="submitted")
    assert result.done == [] and "already submitted" in result.skipped[0][1]


def test_it_never_touches_another_organizations_request(alice, bob):
    theirs = submitted(bob)
    for result in (
        bulk_change_status(organization=alice.organization, user=alice.user, request_ids=[theirs.pk],
                                to_status="withdrawn"),
        bulk.bulk_assign_owner(organization=alice.organization, request_ids=[theirs.pk], owner=alice.user),
        bulk.bulk_add_tag(organization=alice.organization, request_ids=[theirs.pk], name="x"),
        bulk.bulk_pause_reminders(organization=alice.organization, request_ids=[theirs.pk]),
    ):
        assert result.done == result.skipped == []
    theirs.refresh_from_db()
    assert (theirs.status, theirs.owner, theirs.reminders_paused) == ("submitted", None, False)
    assert not theirs.tags.exists()


def test_it_assigns_a_member_as_owner_and_refuses_an_outsider(alice, bob):
    request = new(alice)
    colleague = MembershipFactory(organization=alice.organization, role="editor").user
    bulk.bulk_assign_owner(organization=alice.organization, request_ids=[request.pk], owner=colleague)
    request.refresh_from_db()
    assert request.owner == colleague
    with pytest.raises(ValidationError, match="not a member"):
        bulk.bulk_assign_owner(organization=alice.organization, request_ids=[request.pk], owner=bob.user)
    bulk.bulk_assign_owner(organization=alice.organization, request_ids=[request.pk], owner=None)
    request.refresh_from_db()
    assert request.owner is None


def test_it_adds_a_tag_once_whatever_its_case(alice):
    first, second = new(alice), new(alice)
    bulk.bulk_add_tag(organization=alice.organization, request_ids=[first.pk], name="Needs  call")
    result = bulk.bulk_add_tag(organization=alice.organization, request_ids=[first.pk, second.pk], name="needs call")
    assert result.done == [second] and "already tagged" in result.skipped[0][1]
    assert list(Tag.objects.values_list("name", flat=True)) == ["Needs call"]
    assert second.tags.get().name == "Needs call"


def test_it_removes_a_tag_and_skips_requests_without_it(alice):
    tagged, plain = new(alice), new(alice)
    bulk.bulk_add_tag(organization=alice.organization, request_ids=[tagged.pk], name="batch")
    result = bulk.bulk_remove_tag(organization=alice.organization, request_ids=[tagged.pk, plain.pk], name="BATCH")
    assert result.done == [tagged] and result.skipped[0][0] == plain
    assert not tagged.tags.exists()


def test_it_pauses_and_resumes_reminders(alice):
    request = submitted(alice)
    assert bulk.bulk_pause_reminders(organization=alice.organization, request_ids=[request.pk]).done == [request]
    request.refresh_from_db()
    assert request.reminders_paused
    assert bulk.bulk_pause_reminders(organization=alice.organization, request_ids=[request.pk]).done == []
    bulk.bulk_resume_reminders(organization=alice.organization, request_ids=[request.pk])
    request.refresh_from_db()
    assert not request.reminders_paused


# The form --------------------------------------------------------------------------------


def test_the_form_changes_statuses_and_lists_the_skipped_ones(alice_client, alice):
    draft, sent = new(alice), submitted(alice)
    response = alice_client.post(reverse("request-bulk"), {
        "ids": [draft.pk, sent.pk], "action": "status", "to_status": "processing", "query": "status=submitted"})
    assert response.status_code == 302 and response["Location"] == reverse("request-list") + "?status=submitted"
    sent.refresh_from_db()
    assert sent.status == "processing"
    text = " ".join(messages_of(response))
    assert f"1 request moved to processing: {sent.tracking}." in text
    assert f"Skipped 1: {draft.tracking} cannot move from Draft to Processing" in text


def test_select_all_on_this_page_works_without_javascript(alice_client, alice):
    first, second = new(alice), new(alice)
    alice_client.post(reverse("request-bulk"), {"select_page": "1", "page_ids": [first.pk, second.pk],
                                                "action": "add_tag", "tag": "batch"})
    assert RecordsRequest.objects.filter(tags__name="batch").count() == 2


def test_the_form_assigns_an_owner(alice_client, alice):
    request = new(alice)
    alice_client.post(reverse("request-bulk"), {"ids": [request.pk], "action": "owner", "owner": alice.user.pk})
    request.refresh_from_db()
    assert request.owner == alice.user


def test_the_form_refuses_an_owner_from_another_organization(alice_client, alice, bob):
    request = new(alice)
    response = alice_client.post(reverse("request-bulk"), {"ids": [request.pk], "action": "owner",
                                                           "owner": bob.user.pk})
    request.refresh_from_db()
    assert request.owner is None and "valid choice" in " ".join(messages_of(response))


def test_the_form_asks_for_a_selection_and_a_status(alice_client, alice):
    request = new(alice)
    nothing = alice_client.post(reverse("request-bulk"), {"action": "pause"})
    assert "Select at least one request" in " ".join(messages_of(nothing))
    no_status = alice_client.post(reverse("request-bulk"), {"ids": [request.pk], "action": "status"})
    assert "Choose the status" in " ".join(messages_of(no_status))


def test_another_organizations_ids_are_ignored(bob_client, alice):
    theirs = submitted(alice)
    response = bob_client.post(reverse("request-bulk"), {"ids": [theirs.pk], "action": "status",
                                                         "to_status": "withdrawn"})
    theirs.refresh_from_db()
    assert theirs.status == "submitted" and "None of the selected requests" in " ".join(messages_of(response))


def test_a_viewer_cannot_use_bulk_actions(alice):
    request = submitted(alice)
    viewer = MembershipFactory(organization=alice.organization, role="viewer", user=UserFactory())
    client = Client()
    client.force_login(viewer.user)
    response = client.post(reverse("request-bulk"), {"ids": [request.pk], "action": "pause"})
    request.refresh_from_db()
    assert response.status_code == 403 and not request.reminders_paused


def test_export_selected_returns_a_csv_of_those_requests(alice_client, alice, bob):
    mine, _unselected, theirs = new(alice), new(alice), new(bob)
    response = alice_client.post(reverse("request-bulk"), {"ids": [mine.pk, theirs.pk], "action": "export"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r[0] for r in rows[1:]] == [mine.tracking]
