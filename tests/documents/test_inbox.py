from __future__ import annotations

import pytest
from django.urls import reverse

from requests_app.correspondence.models import Communication
from requests_app.documents.inbox import ingest, poll_imap
from requests_app.documents.models import Document, InboundEmail
from requests_app.workflow.status import request_transition
from tests.documents.test_extraction import eml_with_attachment
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email="clerk@city.example.gov"),
                            user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user)
    return request


def test_a_reply_quoting_the_tracking_reference_lands_on_its_request(sent):
    inbound = ingest(eml_with_attachment(f"RE: Public records request {sent.tracking}", sent.tracking))
    assert (inbound.state, inbound.request) == ("matched", sent)
    assert Communication.objects.get(request=sent).subject.endswith(sent.tracking)
    assert sent.document_links.filter(document__original_name="network-audit.pdf").exists()


def test_a_reply_from_the_agencys_address_lands_on_its_only_open_request(sent):
    inbound = ingest(eml_with_attachment("Your records", "your request"))
    assert inbound.request == sent and "agency's address" in inbound.matched_by


def test_a_reply_without_a_match_waits_in_the_unmatched_inbox(sent, alice_client, bob_client):
    message = eml_with_attachment("Records", "something").replace(
        b"clerk@city.example.gov", b"someone@elsewhere.example.gov").replace(
        b"records@watchdog.example.org", f"records+{sent.organization.slug}@example.org".encode())
    inbound = ingest(message)
    assert (inbound.state, inbound.organization) == ("unmatched", sent.organization)
    assert not Communication.objects.exists()
    assert list(alice_client.get(reverse("inbox")).context["waiting"]) == [inbound]
    assert list(bob_client.get(reverse("inbox")).context["waiting"]) == []
    assert bob_client.post(reverse("inbox-assign", args=[inbound.pk]), {"request": sent.pk}).status_code == 404
    alice_client.post(reverse("inbox-assign", args=[inbound.pk]), {"request": sent.pk})
    inbound.refresh_from_db()
    assert inbound.state == "matched" and Communication.objects.get().request == sent


def test_the_same_email_twice_is_kept_once(sent):
    data = eml_with_attachment(f"RE: {sent.tracking}", sent.tracking)
    assert ingest(data) == ingest(data)
    assert InboundEmail.objects.count() == 1 and Communication.objects.count() == 1


class FakeMailbox:
    def __init__(self, messages):
        self.messages, self.seen = messages, []

    def __call__(self, host, port):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def login(self, user, password):
        pass

    def select(self, folder):
        pass

    def search(self, charset, criterion):
        return "OK", [b" ".join(str(n).encode() for n in self.messages)]

    def fetch(self, number, what):
        return "OK", [(b"1", self.messages[int(number)])]

    def store(self, number, flags, flag):
        self.seen.append(int(number))


def test_the_poller_ingests_unseen_mail_and_marks_it_seen(sent, settings):
    settings.IMAP_HOST, settings.IMAP_USER, settings.IMAP_PASSWORD = "imap.example.org", "u", "p"
    mailbox = FakeMailbox({1: eml_with_attachment(f"RE: {sent.tracking}", sent.tracking), 2: b"\xff\xfe not an email"})
    assert poll_imap(connect=mailbox) == 2
    assert mailbox.seen == [1, 2]
    assert Communication.objects.get().request == sent
    assert Document.objects.filter(original_name="network-audit.pdf").exists()


def test_the_poller_does_nothing_without_a_mailbox(settings):
    settings.IMAP_HOST = ""
    assert poll_imap(connect=None) == 0
