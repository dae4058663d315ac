from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_app.deadlines.models import RequestClock
from requests_app.letters.follow_ups import BeingEmailed, draft_follow_up
from requests_app.letters.models import FollowUpLetter
from requests_app.letters.services import follow_up_finalise, letter_finalise
from requests_app.outbox import services as outbox
from requests_app.outbox.models import Email, State
from requests_app.outbox.tasks import deliver_email
from requests_app.records.channels import CannotSend
from requests_app.records.models import RecordsRequest, RequestEvent, Status
from requests_app.teams.models import Role
from requests_app.workflow.follow_up_sending import follow_up_queue_email
from requests_app.workflow.letters import follow_up_mark_sent
from requests_app.workflow.sending import request_mark_submitted, request_queue_email
from requests_app.workflow.status import request_transition
from tests.emails import claim, deliver, email_of
from tests.factories import AgencyFactory, MembershipFactory, draft_request
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db
AGENCY_EMAIL = "prr@agency.example.gov"


def emailed_request(alice, email: str = AGENCY_EMAIL) -> RecordsRequest:
    """A request whose own letter was emailed by the app, so it has a Message-ID to reply to."""
    alice.organization.email = "team@watch.example.org"
    alice.organization.save()
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email=email), user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    request_queue_email(request=request, user=alice.user)
    deliver(request)
    mail.outbox.clear()
    request.refresh_from_db()
    assert request.email_message_id
    return request


def follow_up(request: RecordsRequest, user, *, finalised: bool = True) -> FollowUpLetter:
    letter = draft_follow_up(request=request, on=timezone.localdate(), reason="Overdue", user=user)
    return follow_up_finalise(letter=letter, user=user, today=timezone.localdate()) if finalised else letter


def appeal(request: RecordsRequest, user) -> FollowUpLetter:
    request_transition(request=request, to_status=Status.DENIED, user=user)  # the denial drafts the appeal
    return follow_up_finalise(letter=request.follow_ups.get(kind=FollowUpLetter.Kind.APPEAL), user=user,
                              today=timezone.localdate())


def send_now(letter: FollowUpLetter, user) -> FollowUpLetter:
    follow_up_queue_email(letter=letter, user=user)
    deliver(letter)
    letter.refresh_from_db()
    return letter


def test_it_queues_only_a_finalised_letter(alice):
    letter = follow_up(emailed_request(alice), alice.user, finalised=False)
    with pytest.raises(CannotSend, match="Finalise the follow-up letter"):
        follow_up_queue_email(letter=letter, user=alice.user)
    letter.refresh_from_db()
    assert letter.send_state == ""


def test_it_refuses_an_agency_without_email_and_names_the_alternative(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email=""), user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=timezone.localdate())
    letter = follow_up(request, alice.user)
    with pytest.raises(CannotSend, match="No records email is known for .*: mail the PDF to its address"):
        follow_up_queue_email(letter=letter, user=alice.user)
    letter.refresh_from_db()
    assert letter.send_state == ""


def test_it_refuses_a_letter_already_sent_or_being_sent(alice):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    with pytest.raises(CannotSend, match="already being sent"):
        follow_up_queue_email(letter=letter, user=alice.user)
    other = appeal(request, alice.user)
    follow_up_mark_sent(letter=other, user=alice.user, on=timezone.localdate())
    with pytest.raises(CannotSend, match="already sent"):
        follow_up_queue_email(letter=other, user=alice.user)


def test_it_refuses_to_record_by_hand_a_letter_that_is_being_emailed(alice):
    letter = follow_up(emailed_request(alice), alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    with pytest.raises(BeingEmailed):
        follow_up_mark_sent(letter=letter, user=alice.user, on=timezone.localdate())


def test_the_task_sends_once_however_often_it_runs(alice, django_capture_on_commit_callbacks):
    letter = follow_up(emailed_request(alice), alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_queue_email(letter=letter, user=alice.user)
    deliver(letter)
    deliver(letter)
    assert len(mail.outbox) == 1


def test_of_two_racing_claims_only_the_first_wins(alice):
    letter = follow_up(emailed_request(alice), alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    assert claim(letter) is True
    assert claim(letter) is False
    deliver(letter)  # a second worker, or a re-delivered message
    assert mail.outbox == []
    outbox.email_send_claimed(email_of(letter))  # the winner
    assert len(mail.outbox) == 1


def test_the_message_threads_to_the_original_and_carries_the_pdf(alice):
    request = emailed_request(alice)
    letter = send_now(follow_up(request, alice.user), alice.user)
    message = mail.outbox[0]
    assert message.to == [AGENCY_EMAIL]
    assert message.cc == message.reply_to == ["team@watch.example.org"]
    assert request.tracking in message.subject and "Follow-up" in message.subject
    assert message.extra_headers["In-Reply-To"] == request.email_message_id
    assert message.extra_headers["References"] == request.email_message_id
    assert letter.email_message_id == message.extra_headers["Message-ID"] != request.email_message_id
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (letter.filename, "application/pdf")
    assert f"Follow-up on public records request {request.tracking}" in pdf_text(content)


def test_a_request_not_emailed_gets_a_message_without_thread_headers(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email=AGENCY_EMAIL),
                            user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=timezone.localdate())
    send_now(follow_up(request, alice.user), alice.user)
    assert "In-Reply-To" not in mail.outbox[0].extra_headers
    assert "References" not in mail.outbox[0].extra_headers


def test_a_sent_follow_up_is_recorded_and_restarts_the_follow_up_schedule(alice):
    request = emailed_request(alice)
    RequestClock.objects.filter(request=request).update(follow_up_on=None)
    letter = send_now(follow_up(request, alice.user), alice.user)
    today = timezone.localdate()
    assert (letter.send_state, letter.sent_on, letter.send_error) == (State.SENT, today, "")
    clock = RequestClock.objects.get(request=request)
    assert clock.last_follow_up_on == today and clock.follow_up_on > today
    event = request.events.filter(kind=RequestEvent.Kind.SENT).latest("pk")
    assert event.actor is None
    assert event.summary == f"Follow-up letter emailed to {AGENCY_EMAIL}, asked by {alice.user}"


def test_a_sent_appeal_moves_the_request_to_appealed(alice):
    request = emailed_request(alice)
    letter = send_now(appeal(request, alice.user), alice.user)
    request.refresh_from_db()
    assert request.status == Status.APPEALED
    assert letter.send_state == State.SENT and letter.sent_on == timezone.localdate()
    change = request.status_changes.latest("pk")
    assert (change.from_status, change.to_status, change.changed_by) == ("denied", "appealed", alice.user)
    assert "Appeal" in mail.outbox[0].subject


def test_an_email_that_went_out_is_recorded_as_sent_even_when_the_request_cannot_move(alice):
    request = emailed_request(alice)
    letter = appeal(request, alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    request_transition(request=request, to_status=Status.LITIGATION, user=alice.user)
    request_transition(request=request, to_status=Status.WITHDRAWN, user=alice.user)
    deliver(letter)
    letter.refresh_from_db()
    assert len(mail.outbox) == 1
    assert letter.send_state == State.SENT and letter.sent_on == timezone.localdate()
    assert "cannot move from Withdrawn" in letter.send_error and "Update it by hand" in letter.send_error
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN
    assert request.events.filter(kind=RequestEvent.Kind.SENT, summary__startswith="Appeal letter emailed").exists()


def test_a_mail_server_error_is_stored_and_changes_nothing_else(alice, settings):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    clock_before = RequestClock.objects.filter(request=request).values().get()
    events_before = request.events.count()
    request.agency.records_email = "refuse@agency.example.gov"
    request.agency.save()
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    letter = send_now(letter, alice.user)
    assert letter.send_state == State.FAILED and "SMTPRecipientsRefused" in letter.send_error
    assert letter.sent_on is None and letter.email_message_id == ""
    assert RequestClock.objects.filter(request=request).values().get() == clock_before
    assert request.events.count() == events_before
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED and not mail.outbox


def test_the_sweep_sends_a_letter_left_queued_by_a_broker_outage(alice, monkeypatch,
                                                                 django_capture_on_commit_callbacks):
    letter = follow_up(emailed_request(alice), alice.user)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(deliver_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up_queue_email(letter=letter, user=alice.user)
    letter.refresh_from_db()
    assert letter.send_state == State.QUEUED and not mail.outbox
    monkeypatch.undo()
    assert outbox.email_sweep(now=timezone.now())["requeued"] == 0  # not stale yet
    assert outbox.email_sweep(now=timezone.now() + timedelta(minutes=6)) == {"requeued": 1, "interrupted": 0,
                                                                             "expired": 0}
    assert len(mail.outbox) == 1
    letter.refresh_from_db()
    assert letter.send_state == State.SENT


def test_the_sweep_fails_an_interrupted_send_rather_than_resend_it(alice):
    letter = follow_up(emailed_request(alice), alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    assert claim(letter)  # a worker claimed it, then died
    result = outbox.email_sweep(now=timezone.now() + timedelta(minutes=16))
    assert result == {"requeued": 0, "interrupted": 1, "expired": 0}
    letter.refresh_from_db()
    assert letter.send_state == State.FAILED and "check the sent mail" in letter.send_error
    assert letter.sent_on is None and not mail.outbox


def test_an_editor_sends_it_from_the_request_page(alice_client, alice, django_capture_on_commit_callbacks):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert f"Send by email to {AGENCY_EMAIL}" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("follow-up-email", args=[request.pk, letter.pk]), follow=True)
    assert f"Follow-up letter is queued to be emailed to {AGENCY_EMAIL}" in response.content.decode()
    assert len(mail.outbox) == 1
    letter.refresh_from_db()
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "by email" in page and letter.email_message_id.strip("<>") in page
    assert f"Send by email to {AGENCY_EMAIL}" not in page


def test_the_page_shows_a_queued_or_failed_send(alice_client, alice):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    follow_up_queue_email(letter=letter, user=alice.user)
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert f"Queued to be emailed to {AGENCY_EMAIL}" in page and "Record as sent" not in page
    Email.objects.filter(pk=email_of(letter).pk).update(state=State.FAILED, error="Timeout <b>")
    page = alice_client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "Email not sent:</strong> Timeout &lt;b&gt;" in page and f"Send by email to {AGENCY_EMAIL}" in page


def test_a_viewer_cannot_send_it(alice):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    client = Client()
    client.force_login(viewer.user)
    page = client.get(reverse("request-detail", args=[request.pk])).content.decode()
    assert "Final." in page and f"Send by email to {AGENCY_EMAIL}" not in page
    assert client.post(reverse("follow-up-email", args=[request.pk, letter.pk])).status_code == 403
    letter.refresh_from_db()
    assert letter.send_state == ""


def test_another_organizations_letter_is_not_found(bob_client, alice):
    request = emailed_request(alice)
    letter = follow_up(request, alice.user)
    assert bob_client.post(reverse("follow-up-email", args=[request.pk, letter.pk])).status_code == 404
    letter.refresh_from_db()
    assert letter.send_state == ""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_request_letters_follow_ups_and_appeals_are_emailed_with_no_transaction_open(alice, settings):
    from tests.deadlines.test_reminder_emails import InTransaction

    settings.EMAIL_BACKEND = "tests.deadlines.test_reminder_emails.InTransaction"
    InTransaction.atomic = []
    request = emailed_request(alice)  # the request letter, sent by its task
    send_now(follow_up(request, alice.user), alice.user)
    send_now(appeal(request, alice.user), alice.user)
    assert InTransaction.atomic == [False, False, False]
