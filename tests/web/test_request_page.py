"""The request page, put together from the sections each app owns: a request that has been
through most of its life shows every section, in a fixed number of queries.

The request is built through the pages themselves, as its editors would have built it, so
the test reads the page whatever the services behind those pages are called.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.records.models import RecordsRequest
from requests_app.teams.models import Role
from tests.auditlogs.test_analyze import NETWORK_14, network_rows, write_csv
from tests.factories import AgencyFactory, MembershipFactory, draft_request, state

pytestmark = pytest.mark.django_db
# Owner, viewer and draft pages, as measured when the page became a set of sections; a
# draft's address check composes its address block alone since, not the whole letter (2 fewer).
OWNER_QUERIES, VIEWER_QUERIES, DRAFT_QUERIES = 24, 23, 22


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(datetime(2026, 12, 1, 10, 30, tzinfo=timezone.get_current_timezone()), tick=False)


def post(client: Client, name: str, *args: int, **data) -> None:
    response = client.post(reverse(name, args=args), data)
    errors = re.findall(r'class="(?:errorlist|message error)[^>]*>(.*?)</', response.content.decode(), re.S)
    assert response.status_code == 302, (name, errors)


@pytest.fixture
def draft(alice, frozen, media_folder) -> RecordsRequest:
    agency = AgencyFactory(name="Albany Police Department", jurisdiction=state("NY"),
                           records_email="records@albany.example.gov", mailing_address="165 Henry Johnson Blvd\nAlbany, NY")
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


@pytest.fixture
def answered(draft, alice_client, tmp_path, django_capture_on_commit_callbacks) -> RecordsRequest:
    """Sent by mail, acknowledged, a fee estimated and recorded, an audit log filed and read,
    an item answered, a follow-up drafted and one finalised, denied (which drafts the appeal),
    with a reminder set and the request watched."""
    pk, client = draft.pk, alice_client
    post(client, "letter-finalise", pk)
    post(client, "record-submission", pk, channel="mail", sent_on="2026-12-01", reference="certified 7012")
    post(client, "communication-log", pk, direction="from_agency", channel="email", occurred_on="2026-12-01",
         action="acknowledged", agency_reference="APD-2026-77", subject="Your request APD-2026-77",
         sender="records@albany.example.gov", body="We have received your request.")
    post(client, "fee-add", pk, kind="estimate", occurred_on="2026-12-01", amount="125.50", note="staff time")
    audit = write_csv(tmp_path / "audit.csv", NETWORK_14, network_rows(NETWORK_14)).read_bytes()
    post(client, "document-upload", pk, files=[SimpleUploadedFile("albany-audit.csv", audit)], note="first installment")
    document = draft.document_links.get().document
    with django_capture_on_commit_callbacks(execute=True):
        post(client, "audit-analyse", pk, document.pk)
    post(client, "item-outcome", pk, draft.items.first().pk, outcome="released", exemption="", note="in full",
         documents=[str(document.pk)])
    post(client, "follow-up-draft", pk)
    post(client, "follow-up-finalise", pk, draft.follow_ups.get().pk)
    post(client, "change-status", pk, status="denied", on="2026-12-01", reason="exempt under POL § 87(2)(e)")
    post(client, "remind-me", pk, on="2026-12-20", note="check the appeal")
    post(client, "toggle-watch", pk)
    draft.refresh_from_db()
    return draft


def page(client: Client, request: RecordsRequest) -> str:
    response = client.get(reverse("request-detail", args=[request.pk]))
    assert response.status_code == 200
    return response.content.decode()


def viewer_of(alice) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organization=alice.organization, role=Role.VIEWER).user)
    return client


SECTIONS = {
    "letter": ["Letter preview", "version 1"],
    "documents": ["albany-audit.csv", "first installment", "Analyse as audit log", "Add files"],
    "communications": ["Your request APD-2026-77", "We have received your request.", "Log a communication"],
    "follow-ups": ["Follow-up and appeal letters", "Appeal", "Finalise (make PDF)", "Download PDF",
                   "Draft a follow-up now"],
    "history": ["History", "Submitted → Acknowledged"],
    "sent": ["Mail on 1 December 2026", "certified 7012"],
    "items": ["Items asked for", "Answered by", "in full", "Record the outcome"],
    "fees": ["Estimated", "$125.50", "staff time", "Record a fee"],
    "versions": ["Letter versions", "Version 1"],
    "status": ["Change status"],
    "deadlines": ["Deadlines", "Received", "Response due", "Appeal by", "How this was worked out",
                  "Log an extension", "Set a reminder for me", "Stop watching"],
    "timeline": ["Timeline"],
}


def test_every_section_of_an_answered_request_is_on_its_page(alice_client, answered):
    html = page(alice_client, answered)
    missing = {section: [text for text in texts if text not in html] for section, texts in SECTIONS.items()}
    assert {section: texts for section, texts in missing.items() if texts} == {}


def test_a_viewer_sees_the_sections_without_their_forms(alice, answered):
    html = page(viewer_of(alice), answered)
    assert "albany-audit.csv" in html and "Your request APD-2026-77" in html and "Appeal by" in html
    for form in ["Analyse as audit log", "Add files", "Log a communication", "Record the outcome", "Record a fee",
                 "Change status", "Log an extension", "Draft a follow-up now"]:
        assert form not in html


def test_a_draft_shows_the_finalise_and_send_steps_to_an_editor(alice, alice_client, draft):
    html = page(alice_client, draft)
    assert "Edit the letter text" in html and "1. Finalise" in html and "2. Send" in html
    assert "The clock starts when the request is sent." in html and "No documents yet." in html
    assert "Not sent yet" in page(viewer_of(alice), draft)


def test_the_page_takes_a_fixed_number_of_queries(alice, alice_client, answered, django_assert_num_queries):
    viewer = viewer_of(alice)
    with django_assert_num_queries(OWNER_QUERIES):
        page(alice_client, answered)
    with django_assert_num_queries(VIEWER_QUERIES):
        page(viewer, answered)


def test_a_drafts_page_takes_a_fixed_number_of_queries(alice_client, draft, django_assert_num_queries):
    with django_assert_num_queries(DRAFT_QUERIES):
        page(alice_client, draft)



def test_two_sections_giving_the_same_name_are_refused():
    from requests_app.web.request_page import _merged

    assert _merged({"req": 1}, {"clock": 2}) == {"req": 1, "clock": 2}
    with pytest.raises(ValueError, match="name clock"):
        _merged({"req": 1, "clock": 2}, {"clock": 3})
