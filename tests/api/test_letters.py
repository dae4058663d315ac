"""A request's letter, its sending and its follow-ups through the API, and their scoping."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from requests_app.letters.models import FollowUpLetter, LetterVersion
from requests_app.letters.services import letter_finalise
from requests_app.records.models import RecordsRequest
from requests_app.workflow.sending import request_mark_submitted
from tests.factories import AgencyFactory, draft_request, state

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 27)


@pytest.fixture
def austin(alice) -> RecordsRequest:
    agency = AgencyFactory(name="Austin Police Department", jurisdiction=state("TX"), records_email="pir@austin.example.gov")
    return draft_request(organization=alice.organization, agency=agency, user=alice.user)


@pytest.fixture
def virginia(alice) -> RecordsRequest:
    return draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state("VA")), user=alice.user)


@pytest.fixture
def sent(alice, austin) -> RecordsRequest:
    letter_finalise(request=austin, user=alice.user, today=TODAY)
    return request_mark_submitted(request=austin, user=alice.user, channel="mail", sent_on=TODAY)


def _url(request: RecordsRequest, path: str = "") -> str:
    return f"/api/requests/{request.pk}/{path}"


def test_the_letter_is_read_and_edited(alice_api, austin):
    letter = alice_api.get(_url(austin, "letter/")).json()
    assert "Texas Public Information Act" in letter["text"]
    assert (letter["edited"], letter["current"], letter["versions"], letter["residency_warning"]) == (
        False, False, [], None)
    for method in (alice_api.put, alice_api.patch):
        edited = method(_url(austin, "letter/"), {"text": f"Dear officer,\r\n{method.__name__}\n"}, format="json")
        assert edited.status_code == 200 and edited.json()["text"] == f"Dear officer,\n{method.__name__}\n"
    austin.refresh_from_db()
    assert austin.letter_text == "Dear officer,\npatch\n" and austin.letter_edited


def test_an_empty_letter_is_refused(alice_api, austin):
    refused = alice_api.patch(_url(austin, "letter/"), {"text": "  "}, format="json")
    assert refused.status_code == 400 and refused.json()["text"]


def test_a_sent_letter_can_no_longer_change(alice_api, sent):
    refused = alice_api.patch(_url(sent, "letter/"), {"text": "Changed"}, format="json")
    assert refused.status_code == 400 and "has been sent" in refused.json()["text"][0]
    assert "Changed" not in RecordsRequest.objects.get(pk=sent.pk).letter_text


def test_finalising_makes_one_version_per_text(alice_api, austin):
    first = alice_api.post(_url(austin, "letter/finalise/"), format="json")
    assert first.status_code == 200 and first.json()["number"] == 1
    assert alice_api.post(_url(austin, "letter/finalise/"), format="json").json()["number"] == 1
    alice_api.patch(_url(austin, "letter/"), {"text": "A shorter letter."}, format="json")
    second = alice_api.post(_url(austin, "letter/finalise/"), format="json").json()
    assert second["number"] == 2 and second["sha256"] == LetterVersion.objects.get(request=austin, number=2).sha256
    letter = alice_api.get(_url(austin, "letter/")).json()
    assert letter["current"] and [v["number"] for v in letter["versions"]] == [2, 1]
    assert letter["versions"][1]["download"].endswith(f"/api/requests/{austin.pk}/letter/pdf/?version=1")


def test_finalising_waits_for_the_residency_acknowledgement(alice_api, virginia):
    refused = alice_api.post(_url(virginia, "letter/finalise/"), format="json")
    assert refused.status_code == 400
    assert "Pass acknowledge_residency: true" in refused.json()["acknowledge_residency"][0]
    assert not LetterVersion.objects.exists()
    made = alice_api.post(_url(virginia, "letter/finalise/"), {"acknowledge_residency": True}, format="json")
    assert made.status_code == 200 and made.json()["number"] == 1


def test_a_sent_letter_is_not_finalised_again(alice_api, sent):
    refused = alice_api.post(_url(sent, "letter/finalise/"), format="json")
    assert refused.status_code == 400 and "its letter is final" in refused.json()["detail"][0]


def test_the_pdf_is_the_latest_version_or_the_one_asked_for(alice_api, austin):
    alice_api.post(_url(austin, "letter/finalise/"), format="json")
    alice_api.patch(_url(austin, "letter/"), {"text": "A shorter letter."}, format="json")
    alice_api.post(_url(austin, "letter/finalise/"), format="json")
    versions = {v.number: v.pdf.read() for v in LetterVersion.objects.filter(request=austin)}
    latest = alice_api.get(_url(austin, "letter/pdf/"), HTTP_ACCEPT="application/pdf")
    assert latest["Content-Type"] == "application/pdf" and b"".join(latest.streaming_content) == versions[2]
    assert f'filename="{austin.tracking}-v2.pdf"' in latest["Content-Disposition"]
    first = alice_api.get(_url(austin, "letter/pdf/"), {"version": 1})
    assert b"".join(first.streaming_content) == versions[1]
    assert alice_api.get(_url(austin, "letter/pdf/"), {"version": 9}).status_code == 404
    assert alice_api.get(_url(austin, "letter/pdf/"), {"version": "x"}).status_code == 400


def test_no_pdf_before_finalising_is_explained_in_json(alice_api, austin):
    missing = alice_api.get(_url(austin, "letter/pdf/"), HTTP_ACCEPT="application/pdf")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert "POST to letter/finalise/ first" in missing.json()["detail"]


def test_email_is_queued_and_sent_with_the_pdf(alice_api, austin, django_capture_on_commit_callbacks):
    alice_api.post(_url(austin, "letter/finalise/"), format="json")
    with django_capture_on_commit_callbacks(execute=True):
        queued = alice_api.post(_url(austin, "send/"), {"channel": "email"}, format="json")
    assert queued.status_code == 202 and queued.json()["send_state"] == "queued"
    [message] = mail.outbox
    assert message.to == ["pir@austin.example.gov"] and message.attachments[0][0] == f"{austin.tracking}-v1.pdf"
    assert alice_api.get(_url(austin)).json()["status"] == "submitted"


def test_a_portal_submission_is_recorded_with_its_reference(alice_api, austin):
    alice_api.post(_url(austin, "letter/finalise/"), format="json")
    missing_date = alice_api.post(_url(austin, "send/"), {"channel": "portal"}, format="json")
    assert missing_date.status_code == 400 and missing_date.json()["sent_on"]
    recorded = alice_api.post(_url(austin, "send/"), {"channel": "mail", "sent_on": timezone.localdate().isoformat(),
                                                      "reference": "certified 7012"}, format="json")
    assert recorded.status_code == 200 and recorded.json()["status"] == "submitted"
    austin.refresh_from_db()
    assert (austin.sent_via, austin.submission_reference) == ("mail", "certified 7012")


def test_an_unfinalised_letter_is_not_sent(alice_api, austin):
    refused = alice_api.post(_url(austin, "send/"), {"channel": "email"}, format="json")
    assert refused.status_code == 400 and "Finalise the letter" in refused.json()["detail"][0]
    assert not mail.outbox and RecordsRequest.objects.get(pk=austin.pk).send_state == ""


def test_a_follow_up_is_drafted_once_a_day_naming_the_caller(alice_api, sent):
    drafted = alice_api.post(_url(sent, "follow-ups/"), format="json")
    assert drafted.status_code == 201 and drafted.json()["kind"] == "follow_up"
    assert drafted.json()["reason"] == "Drafted through the API by alice (token “test”)"
    assert sent.tracking in drafted.json()["text"]
    again = alice_api.post(_url(sent, "follow-ups/"), format="json")
    assert again.status_code == 409 and "already drafted today" in again.json()["detail"]
    assert [f["id"] for f in alice_api.get(_url(sent, "follow-ups/")).json()] == [drafted.json()["id"]]


def test_a_request_not_awaiting_an_answer_gets_no_follow_up(alice_api, alice, austin, sent):
    draft = alice_api.post(_url(draft_request(organization=alice.organization, agency=austin.agency, user=alice.user),
                                "follow-ups/"), format="json")
    assert draft.status_code == 400 and "not awaiting the agency's answer" in draft.json()["detail"][0]
    alice_api.post(_url(sent, "status/"), {"to_status": "fulfilled"}, format="json")
    fulfilled = alice_api.post(_url(sent, "follow-ups/"), format="json")
    assert fulfilled.status_code == 400 and "is fulfilled" in fulfilled.json()["detail"][0]
    assert not FollowUpLetter.objects.exists()


def test_a_request_without_a_clock_gets_no_follow_up(alice_api, sent):
    sent.clock.delete()
    refused = alice_api.post(_url(sent, "follow-ups/"), format="json")
    assert refused.status_code == 400 and "no deadline clock" in refused.json()["detail"][0]


READS = ["letter/", "letter/pdf/", "follow-ups/"]
WRITES = [("put", "letter/", {"text": "x"}), ("patch", "letter/", {"text": "x"}), ("post", "letter/finalise/", {}),
          ("post", "send/", {"channel": "email"}), ("post", "follow-ups/", {})]


@pytest.mark.parametrize("path", READS)
def test_another_organizations_token_gets_404_reading(bob_api, sent, path):
    assert bob_api.get(_url(sent, path)).status_code == 404


@pytest.mark.parametrize("method,path,body", WRITES)
def test_another_organizations_token_gets_404_writing(bob_api, austin, method, path, body):
    before = austin.letter_text
    assert getattr(bob_api, method)(_url(austin, path), body, format="json").status_code == 404
    austin.refresh_from_db()
    assert (austin.letter_text, austin.send_state, austin.letters.count()) == (before, "", 0)


@pytest.mark.parametrize("method,path,body", WRITES)
def test_a_viewer_cannot_change_the_letter_send_or_follow_up(viewer_api, austin, method, path, body):
    assert getattr(viewer_api, method)(_url(austin, path), body, format="json").status_code == 403


def test_a_viewer_reads_the_letter(viewer_api, sent):
    assert viewer_api.get(_url(sent, "letter/")).json()["current"]
    assert viewer_api.get(_url(sent, "letter/pdf/")).status_code == 200


def test_without_a_token_the_pdf_is_refused_in_json(sent):
    refused = APIClient().get(_url(sent, "letter/pdf/"), HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 401 and refused.json()["detail"]
