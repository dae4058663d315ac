from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from requests_app.deadlines.models import RequestClock
from requests_app.laws.models import PublicRecordsLaw
from requests_app.letters.models import FollowUpLetter
from requests_app.workflow.reminders import scan
from requests_app.workflow.status import request_transition
from tests.factories import AgencyFactory, draft_request, state
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
D = date


def sent(alice, code="TX", on=D(2026, 11, 25)):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(jurisdiction=state(code)), user=alice.user)
    request_transition(request=request, to_status="submitted", user=alice.user, on=on)
    return request


def scan_on(day: date):
    return scan(now=datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("America/New_York")), send_inline=True)


def test_an_overdue_request_gets_a_follow_up_letter_citing_dates_and_deadline(alice):
    request = sent(alice)
    scan_on(D(2026, 12, 14))
    letter = FollowUpLetter.objects.get(request=request, kind="follow_up")
    assert "On Wednesday 25 November 2026, Washington Watch submitted the public records request" in letter.text
    assert "19 days have passed since then" in letter.text
    assert "within 10 business days was due on Friday 11 December 2026" in letter.text
    assert f"Re: Follow-up on public records request {request.tracking}" in letter.text


def test_drafting_twice_for_the_same_day_makes_one_letter(alice):
    request = sent(alice)
    scan_on(D(2026, 12, 14))
    scan_on(D(2026, 12, 14))
    assert FollowUpLetter.objects.filter(request=request).count() == 1


def test_a_law_without_a_deadline_still_gets_follow_ups(alice):
    request = sent(alice, "AZ")
    scan_on(D(2026, 12, 10))
    assert "the law requires a response promptly" in FollowUpLetter.objects.get(request=request).text


def test_a_denial_drafts_an_appeal_naming_the_route(alice):
    request = sent(alice, "US", on=D(2026, 11, 2))
    request_transition(request=request, to_status="denied", user=alice.user, on=D(2026, 12, 1))
    letter = FollowUpLetter.objects.get(request=request, kind="appeal")
    assert "appeals the denial on Tuesday 1 December 2026" in letter.text
    assert request.agency.jurisdiction.law.appeal_route[:60] in letter.text
    assert "ends on Monday 1 March 2027" in letter.text


def test_silence_past_the_deadline_drafts_an_appeal_where_the_law_calls_it_a_denial(alice):
    request = sent(alice, "CT")  # no response in 4 business days is a deemed denial
    scan_on(D(2026, 12, 3))
    appeal = FollowUpLetter.objects.get(request=request, kind="appeal")
    assert "constructive denial" in appeal.text


def test_where_silence_is_no_denial_an_overdue_request_gets_a_follow_up_only(alice):
    request = sent(alice, "CT")
    PublicRecordsLaw.objects.filter(jurisdiction__code="CT").update(silence_is_denial=False)  # the field decides
    scan_on(D(2026, 12, 3))
    assert list(FollowUpLetter.objects.filter(request=request).values_list("kind", flat=True)) == ["follow_up"]


def test_finalising_sending_and_the_next_follow_up(alice_client, alice):
    request = sent(alice)
    scan_on(D(2026, 12, 14))
    letter = FollowUpLetter.objects.get(request=request)
    alice_client.post(reverse("follow-up-edit", args=[request.pk, letter.pk]), {"text": letter.text + "\nP.S. Call me.\n"})
    alice_client.post(reverse("follow-up-finalise", args=[request.pk, letter.pk]))
    pdf = alice_client.get(reverse("follow-up-download", args=[request.pk, letter.pk]))
    assert "P.S. Call me." in pdf_text(b"".join(pdf.streaming_content))
    alice_client.post(reverse("follow-up-sent", args=[request.pk, letter.pk]), {"sent_on": "2026-11-27"})
    clock = RequestClock.objects.get(request=request)
    assert clock.last_follow_up_on == D(2026, 11, 27)
    letter.refresh_from_db()
    assert letter.sent_on == D(2026, 11, 27)
    response = alice_client.post(reverse("follow-up-edit", args=[request.pk, letter.pk]), {"text": "changed"}, follow=True)
    assert "This letter is final" in response.content.decode()


def test_sending_an_appeal_moves_the_request_to_appealed(alice_client, alice):
    request = sent(alice, "US", on=D(2026, 11, 2))
    request_transition(request=request, to_status="denied", user=alice.user, on=D(2026, 11, 20))
    letter = FollowUpLetter.objects.get(request=request, kind="appeal")
    alice_client.post(reverse("follow-up-finalise", args=[request.pk, letter.pk]))
    alice_client.post(reverse("follow-up-sent", args=[request.pk, letter.pk]), {"sent_on": "2026-11-26"})
    request.refresh_from_db()
    assert request.status == "appealed"
    moves = list(request.status_changes.values_list("to_status", flat=True))

    # Recording it again is refused; a second appeal letter leaves the request appealed.
    again = alice_client.post(reverse("follow-up-sent", args=[request.pk, letter.pk]), {"sent_on": "2026-11-27"},
                              follow=True)
    assert "already recorded as sent on" in again.content.decode()
    second = FollowUpLetter.objects.create(request=request, kind="appeal", occasion=D(2026, 11, 27),
                                           reason="Second appeal", text="We appeal again.")
    alice_client.post(reverse("follow-up-finalise", args=[request.pk, second.pk]))
    alice_client.post(reverse("follow-up-sent", args=[request.pk, second.pk]), {"sent_on": "2026-11-27"})
    request.refresh_from_db()
    second.refresh_from_db()
    assert request.status == "appealed" and second.sent_on == D(2026, 11, 27)
    assert list(request.status_changes.values_list("to_status", flat=True)) == moves  # no denied-and-back


def test_another_organization_cannot_see_or_touch_follow_ups(bob_client, alice):
    request = sent(alice)
    scan_on(D(2026, 12, 14))
    letter = FollowUpLetter.objects.get(request=request)
    assert bob_client.post(reverse("follow-up-finalise", args=[request.pk, letter.pk])).status_code == 404
    assert bob_client.get(reverse("follow-up-download", args=[request.pk, letter.pk])).status_code == 404
    assert bob_client.post(reverse("follow-up-draft", args=[request.pk])).status_code == 404
