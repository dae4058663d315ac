"""Records contacts learned from replies: suggested when a reply is filed (uploaded, or fetched
from the records mailbox), shown only to the organization whose message it was, accepted into
the shared directory or rejected by an editor."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from requests_app.agencies.models import AgencyContactChange
from requests_app.correspondence.models import ContactSuggestion
from requests_app.documents.inbox import ingest, poll_imap
from requests_app.teams.models import Role
from requests_app.workflow.status import request_transition
from tests.agencies.test_contacts import client_for
from tests.documents.test_inbox import FakeMailbox
from tests.factories import AgencyFactory, UserFactory, draft_request

pytestmark = pytest.mark.django_db

MESSAGES = Path(__file__).parent / "messages"
SENDER = "publicrecords@springfield.example.gov"
NEXTREQUEST = "https://springfieldwa.nextrequest.com/"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to("2026-12-08 15:00:00+00:00", tick=False)


@pytest.fixture
def agency():
    return AgencyFactory(name="Springfield Police Department", records_email="", portal_url="")


def sent_request(membership, agency):
    request = draft_request(organization=membership.organization, agency=agency, user=membership.user)
    request_transition(request=request, to_status="submitted", user=membership.user)
    return request


@pytest.fixture
def sent(alice, agency):
    return sent_request(alice, agency)


def message(name: str, request) -> bytes:
    """A hand-written message, about ``request`` and addressed to its organization."""
    text = (MESSAGES / name).read_bytes()
    return (text.replace(b"RR-2026-0001", request.tracking.encode())
            .replace(b"records+washington-watch@", f"records+{request.organization.slug}@".encode()))


def upload(client: Client, request, name: str) -> None:
    response = client.post(reverse("document-upload", args=[request.pk]),
                           {"files": SimpleUploadedFile(name, message(name, request), "message/rfc822")})
    assert response.status_code == 302


def agency_page(client: Client, agency) -> str:
    return client.get(reverse("agency-detail", args=[agency.pk])).content.decode()


# Learning ------------------------------------------------------------------------------


def test_an_uploaded_reply_suggests_the_address_it_came_from(alice_client, alice, sent, agency):
    upload(alice_client, sent, "agency_reply.eml")
    suggestion = ContactSuggestion.objects.get()
    assert (suggestion.agency, suggestion.organization, suggestion.field, suggestion.value, suggestion.state) == (
        agency, alice.organization, "records_email", SENDER, "pending")
    assert suggestion.communication.request == sent and suggestion.received_on == date(2026, 12, 3)
    assert suggestion.source_subject == f"RE: Public records request {sent.tracking}: ALPR records"
    assert suggestion.source_sender == "Springfield Police Records Unit <PublicRecords@springfield.example.gov>"
    page = agency_page(alice_client, agency)
    assert SENDER in page and f"RE: Public records request {sent.tracking}" in page
    assert f'{reverse("request-detail", args=[sent.pk])}#communication-{suggestion.communication_id}' in page
    agency.refresh_from_db()
    assert agency.records_email == "" and not AgencyContactChange.objects.exists()


def test_a_reply_fetched_from_the_records_mailbox_suggests_the_address(sent, settings):
    settings.IMAP_HOST, settings.IMAP_USER, settings.IMAP_PASSWORD = "imap.example.org", "records@watchdog.example.org", "p"
    assert poll_imap(connect=FakeMailbox({1: message("agency_reply.eml", sent)})) == 1
    assert ContactSuggestion.objects.get().value == SENDER


def test_a_portal_notification_waiting_in_the_unmatched_inbox_suggests_the_portal_once_assigned(
        alice_client, sent, agency):
    inbound = ingest(message("nextrequest_message.eml", sent))
    assert inbound.state == "unmatched" and not ContactSuggestion.objects.exists()
    alice_client.post(reverse("inbox-assign", args=[inbound.pk]), {"request": sent.pk})
    suggestion = ContactSuggestion.objects.get()
    assert (suggestion.field, suggestion.value, suggestion.vendor) == ("portal_url", NEXTREQUEST, "NextRequest")
    assert suggestion.evidence == "a link to its NextRequest portal in the message"
    assert NEXTREQUEST in agency_page(alice_client, agency)


def test_a_govqa_notification_suggests_its_portal_and_not_its_sender(alice_client, sent):
    upload(alice_client, sent, "govqa_acknowledgement.eml")
    assert list(ContactSuggestion.objects.values_list("field", "value")) == [
        ("portal_url", "https://springfieldwa.govqa.us/WEBAPP/_rs/supporthome.aspx")]


def test_no_address_of_the_organization_its_members_or_a_no_reply_sender_is_suggested(alice_client, alice, sent):
    alice.organization.email = "PublicRecords@springfield.example.gov"  # as if it were the group's own
    alice.organization.save()
    upload(alice_client, sent, "agency_reply.eml")
    alice.organization.email = ""
    alice.organization.save()
    UserFactory(email="publicrecords@springfield.example.gov")  # a member forwarding from their address
    upload(alice_client, sent, "out_of_office.eml")
    upload(alice_client, sent, "automated_acknowledgement.eml")
    assert not ContactSuggestion.objects.exists()


def test_a_contact_the_agency_already_has_is_not_suggested(alice_client, sent, agency):
    agency.records_email = "PublicRecords@Springfield.example.gov"
    agency.portal_url = "https://springfieldwa.nextrequest.com/requests/new"
    agency.save()
    upload(alice_client, sent, "agency_reply.eml")
    upload(alice_client, sent, "nextrequest_message.eml")
    assert not ContactSuggestion.objects.exists()


def test_a_second_reply_from_the_same_address_adds_nothing(alice_client, sent):
    upload(alice_client, sent, "agency_reply.eml")
    upload(alice_client, sent, "out_of_office.eml")
    suggestion = ContactSuggestion.objects.get()
    assert suggestion.source_subject.startswith("RE: Public records request")


# Deciding ------------------------------------------------------------------------------


@pytest.fixture
def suggested(alice_client, sent):
    upload(alice_client, sent, "agency_reply.eml")
    return ContactSuggestion.objects.get()


def accept(client: Client, suggestion, replaces: str = ""):
    return client.post(reverse("contact-suggestion-accept", args=[suggestion.pk]), {"replaces": replaces})


def reject(client: Client, suggestion):
    return client.post(reverse("contact-suggestion-reject", args=[suggestion.pk]))


def test_an_accepted_address_is_the_agencys_for_every_organization_without_the_message(
        alice_client, bob_client, alice, sent, suggested, agency):
    response = accept(alice_client, suggested)
    assert response.status_code == 302
    assert response.url == reverse("agency-detail", args=[agency.pk]) + "#contact-suggestions"
    agency.refresh_from_db()
    assert agency.records_email == SENDER and "records_email" in agency.edited_fields
    change = AgencyContactChange.objects.get()
    assert (change.via, change.source_url, change.verified_on) == ("reply", "", date(2026, 12, 3))
    assert change.source_note == "a reply from this address to a records request, received on 2026-12-03"
    assert (change.organization, change.changed_by, change.after) == (
        alice.organization, alice.user, {"records_email": SENDER})
    suggested.refresh_from_db()
    assert (suggested.state, suggested.decided_by) == ("accepted", alice.user)
    theirs = agency_page(bob_client, agency)
    assert f'href="mailto:{SENDER}"' in theirs and "source: a reply from this address" in theirs
    assert sent.tracking not in theirs and "Springfield Police Records Unit" not in theirs
    assert 'id="contact-suggestions"' not in agency_page(alice_client, agency)


def test_an_accepted_portal_cites_its_notification(alice_client, sent, agency):
    upload(alice_client, sent, "justfoia_received.eml")
    accept(alice_client, ContactSuggestion.objects.get())
    agency.refresh_from_db()
    assert agency.portal_url == "https://springfieldwa.justfoia.com/publicportal/"
    assert AgencyContactChange.objects.get().source_note == (
        "a notification from the agency's JustFOIA portal, received on 2026-12-07")


def test_a_rejected_address_is_not_offered_again(alice_client, sent, suggested, agency):
    assert reject(alice_client, suggested).status_code == 302
    suggested.refresh_from_db()
    assert suggested.state == "rejected"
    agency.refresh_from_db()
    assert agency.records_email == "" and not AgencyContactChange.objects.exists()
    upload(alice_client, sent, "out_of_office.eml")
    assert list(ContactSuggestion.objects.values_list("state", flat=True)) == ["rejected"]
    assert 'id="contact-suggestions"' not in agency_page(alice_client, agency)


def test_accepting_over_a_value_that_arrived_meanwhile_is_refused(alice_client, suggested, agency):
    agency.records_email = "prr@springfield.example.gov"
    agency.save()
    response = accept(alice_client, suggested, replaces="")
    assert "is now prr@springfield.example.gov, not empty as when you looked: nothing was changed" in str(
        list(response.wsgi_request._messages))
    agency.refresh_from_db()
    suggested.refresh_from_db()
    assert agency.records_email == "prr@springfield.example.gov" and suggested.state == "pending"


def test_replacing_a_value_takes_the_editors_confirmation(alice_client, suggested, agency):
    agency.records_email = "prr@springfield.example.gov"
    agency.save()
    page = agency_page(alice_client, agency)
    assert "The directory has prr@springfield.example.gov: accepting replaces it." in page
    assert 'name="replaces" value="prr@springfield.example.gov"' in page and "Replace it" in page
    accept(alice_client, suggested, replaces="prr@springfield.example.gov")
    agency.refresh_from_db()
    assert agency.records_email == SENDER
    assert AgencyContactChange.objects.get().before == {"records_email": "prr@springfield.example.gov"}


def test_a_suggestion_is_decided_once(alice_client, suggested):
    accept(alice_client, suggested)
    response = reject(alice_client, suggested)
    assert "was already accepted by alice on 2026-12-08" in str(list(response.wsgi_request._messages))
    suggested.refresh_from_db()
    assert suggested.state == "accepted"


def test_a_value_another_organization_accepted_leaves_the_list(alice_client, bob, bob_client, suggested, agency):
    upload(bob_client, sent_request(bob, agency), "agency_reply.eml")
    accept(bob_client, ContactSuggestion.objects.get(organization=bob.organization))
    assert 'id="contact-suggestions"' not in agency_page(alice_client, agency)


# Who sees and decides ------------------------------------------------------------------


def test_another_organization_neither_sees_nor_decides_a_suggestion(bob_client, suggested, agency):
    page = agency_page(bob_client, agency)
    assert SENDER not in page and 'id="contact-suggestions"' not in page
    assert accept(bob_client, suggested).status_code == 404
    assert reject(bob_client, suggested).status_code == 404
    suggested.refresh_from_db()
    assert suggested.state == "pending"


def test_a_viewer_sees_a_suggestion_but_cannot_decide_it(alice, suggested, agency):
    viewer = client_for(alice.organization, Role.VIEWER)
    page = agency_page(viewer, agency)
    assert SENDER in page and "An editor of your organization can accept or reject it." in page
    assert reverse("contact-suggestion-accept", args=[suggested.pk]) not in page
    assert accept(viewer, suggested).status_code == 403 and reject(viewer, suggested).status_code == 403


def test_deciding_takes_a_post(alice_client, suggested):
    assert alice_client.get(reverse("contact-suggestion-accept", args=[suggested.pk])).status_code == 405


def test_the_request_page_tells_an_editor_where_suggestions_wait(alice, alice_client, sent, suggested, agency):
    line = f"1 records contact for {agency.name} suggested by replies"
    page = alice_client.get(reverse("request-detail", args=[sent.pk])).content.decode()
    assert line in page and f'{reverse("agency-detail", args=[agency.pk])}#contact-suggestions' in page
    viewer = client_for(alice.organization, Role.VIEWER)
    assert line not in viewer.get(reverse("request-detail", args=[sent.pk])).content.decode()
    reject(alice_client, suggested)
    assert line not in alice_client.get(reverse("request-detail", args=[sent.pk])).content.decode()


def test_the_agency_page_reads_its_suggestions_in_the_same_queries_however_many(
        alice_client, sent, agency, django_assert_max_num_queries, django_assert_num_queries):
    url = reverse("agency-detail", args=[agency.pk])
    upload(alice_client, sent, "agency_reply.eml")
    with django_assert_max_num_queries(50) as one:
        alice_client.get(url)
    queries = len(one)  # read now: the next request clears the connection's query log
    upload(alice_client, sent, "nextrequest_message.eml")
    upload(alice_client, sent, "govqa_acknowledgement.eml")
    assert ContactSuggestion.objects.filter(state="pending").count() == 3
    with django_assert_num_queries(queries):
        alice_client.get(url)
