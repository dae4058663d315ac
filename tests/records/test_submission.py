"""Recording a submission on the request page, and the letter the page shows once it is final."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from requests_app.letters.services import letter_finalise
from requests_app.records.models import RecordsRequest, Status
from requests_app.workflow.sending import request_mark_submitted
from tests.factories import AgencyFactory, draft_request

pytestmark = pytest.mark.django_db

PORTAL = "https://springfield.nextrequest.example.com/"


def finalised(alice, on: date, **contact) -> RecordsRequest:
    request = draft_request(organization=alice.organization, agency=AgencyFactory(**contact), user=alice.user)
    letter_finalise(request=request, user=alice.user, today=on)
    return request


def test_a_submission_dated_before_the_letter_is_asked_again_with_its_values_kept(alice_client, alice):
    today = timezone.localdate()
    request = finalised(alice, today, portal_url=PORTAL)
    earlier = today - timedelta(days=3)
    url = reverse("record-submission", args=[request.pk])
    alice_client.post(url, {"channel": "portal", "sent_on": earlier.isoformat(), "reference": "26-4417"})
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.DRAFT
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "after the submission date" in page
    assert 'name="confirm_before_letter"' in page and 'value="26-4417"' in page
    assert f'value="{earlier.isoformat()}"' in page
    alice_client.post(url, {"channel": "portal", "sent_on": earlier.isoformat(), "reference": "26-4417",
                            "confirm_before_letter": "on"})
    request.refresh_from_db()
    assert (request.status, request.submitted_to, request.submission_reference) == (Status.SUBMITTED, PORTAL, "26-4417")


def test_the_confirmation_is_asked_only_once(alice_client, alice):
    request = finalised(alice, timezone.localdate())
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert 'name="confirm_before_letter"' not in page


def test_the_sent_card_says_where_the_letter_went(alice_client, alice):
    today = timezone.localdate()
    request = finalised(alice, today, mailing_address="1 Civic Plaza\nSpringfield, WA 98000")
    alice_client.post(reverse("record-submission", args=[request.pk]),
                      {"channel": "mail", "sent_on": today.isoformat(), "reference": "certified 7012"})
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "1 Civic Plaza\nSpringfield, WA 98000" in page and "agency's reference certified 7012" in page


def test_the_preview_of_a_sent_request_shows_the_letter_with_its_own_date(alice_client, alice):
    request = finalised(alice, date(2026, 11, 20))
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 20))
    preview = alice_client.get(reverse("letter-preview", args=[request.pk])).content.decode()
    today = timezone.localdate()
    assert "20 November 2026" in preview and f"{today.day} {today:%B %Y}" not in preview


def test_the_preview_of_a_changed_draft_is_dated_today(alice_client, alice):
    request = finalised(alice, date(2026, 11, 20))
    alice_client.post(reverse("letter-edit", args=[request.pk]), {"letter_text": "Dear officer, a new text."})
    preview = alice_client.get(reverse("letter-preview", args=[request.pk])).content.decode()
    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y}" in preview and "a new text" in preview
