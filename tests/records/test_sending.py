from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from requests_app.letters.services import letter_finalise
from requests_app.outbox.models import State
from requests_app.outbox.services import email_sweep
from requests_app.outbox.tasks import deliver_email
from requests_app.records.channels import CannotSend
from requests_app.records.models import RecordsRequest, Status
from requests_app.workflow.sending import SubmissionBeforeLetter, request_mark_submitted, request_queue_email
from tests.emails import claim, deliver
from tests.factories import AgencyFactory, draft_request
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db


PORTAL = "https://springfield.nextrequest.example.com/"


def ready(alice, email="prr@agency.example.gov", **contact) -> RecordsRequest:
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email=email, **contact),
                            user=alice.user)
    letter_finalise(request=request, user=alice.user, today=date(2026, 11, 27))
    return request


def test_email_sends_the_pdf_and_records_the_send(alice, django_capture_on_commit_callbacks):
    request = ready(alice)
    with django_capture_on_commit_callbacks(execute=True):
        request_queue_email(request=request, user=alice.user)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["prr@agency.example.gov"]
    assert request.tracking in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"{request.tracking}-v1.pdf", "application/pdf")
    assert request.tracking in pdf_text(content)
    request.refresh_from_db()
    assert request.status == Status.SUBMITTED and request.sent_via == "email" and request.sent_at
    assert request.email_message_id == message.extra_headers["Message-ID"]
    assert request.tracking in request.email_message_id
    change = request.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "submitted", alice.user)


def test_an_unfinalised_letter_cannot_be_sent(alice):
    request = draft_request(organization=alice.organization, agency=AgencyFactory(records_email="a@b.gov"), user=alice.user)
    with pytest.raises(CannotSend, match="Finalise the letter"):
        request_queue_email(request=request, user=alice.user)


def test_an_edited_draft_must_be_finalised_again_before_sending(alice):
    from requests_app.records.services import request_edit_letter

    request = ready(alice)
    request_edit_letter(request=request, letter_text="Changed text.")
    with pytest.raises(CannotSend, match="Finalise the letter"):
        request_queue_email(request=request, user=alice.user)


def test_an_agency_without_email_is_refused_with_the_alternative(alice):
    request = ready(alice, email="")
    with pytest.raises(CannotSend, match="No records email is known for .*: mail the PDF to its address"):
        request_queue_email(request=request, user=alice.user)


def test_a_queued_email_is_sent_once_however_often_the_task_runs(alice):
    request = ready(alice)
    request_queue_email(request=request, user=alice.user)
    deliver(request)
    deliver(request)
    assert len(mail.outbox) == 1


def test_a_refused_address_is_recorded_and_does_not_stop_the_others(alice, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mail.RefusingBackend"
    good, bad, other = ready(alice), ready(alice, email="refuse@agency.example.gov"), ready(alice)
    with django_capture_on_commit_callbacks(execute=True):
        for request in (good, bad, other):
            request_queue_email(request=request, user=alice.user)
    assert sorted(m.to[0] for m in mail.outbox) == ["prr@agency.example.gov", "prr@agency.example.gov"]
    bad.refresh_from_db()
    assert bad.status == Status.DRAFT and bad.send_state == State.FAILED
    assert "SMTPRecipientsRefused" in bad.send_error
    assert RecordsRequest.objects.filter(status=Status.SUBMITTED).count() == 2


def test_a_broker_outage_keeps_the_send_queued_and_the_sweep_sends_it_later(alice, monkeypatch, django_capture_on_commit_callbacks):
    request = ready(alice)

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(deliver_email, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        request_queue_email(request=request, user=alice.user)
    request.refresh_from_db()
    assert request.send_state == State.QUEUED and not mail.outbox
    monkeypatch.undo()
    result = email_sweep(now=timezone.now() + timedelta(minutes=6))
    assert result == {"requeued": 1, "interrupted": 0, "expired": 0}
    assert len(mail.outbox) == 1


def test_an_interrupted_send_is_marked_failed_not_resent(alice):
    request = ready(alice)
    request_queue_email(request=request, user=alice.user)
    assert claim(request)  # a worker claimed it, then died
    result = email_sweep(now=timezone.now() + timedelta(minutes=16))
    assert result == {"requeued": 0, "interrupted": 1, "expired": 0}
    request.refresh_from_db()
    assert request.send_state == State.FAILED and "check the sent mail" in request.send_error
    assert not mail.outbox


def test_a_portal_submission_is_recorded_with_its_date_reference_and_portal(alice):
    request = ready(alice, portal_url=PORTAL)
    request_mark_submitted(request=request, user=alice.user, channel="portal", sent_on=date(2026, 11, 27), reference="P-123")
    request.refresh_from_db()
    assert (request.status, request.sent_via, request.submission_reference) == ("submitted", "portal", "P-123")
    assert request.submitted_to == PORTAL
    assert timezone.localtime(request.sent_at).date() == date(2026, 11, 27)
    assert "P-123" in request.status_changes.get().reason


def test_a_portal_submission_needs_the_agencys_portal(alice):
    request = ready(alice)
    with pytest.raises(CannotSend, match="No records request portal is known for .*: add it"):
        request_mark_submitted(request=request, user=alice.user, channel="portal", sent_on=date(2026, 11, 27),
                               reference="P-123")
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.DRAFT


def test_a_portal_submission_needs_the_reference_the_portal_gave(alice):
    request = ready(alice, portal_url=PORTAL)
    with pytest.raises(CannotSend, match="reference the portal gave"):
        request_mark_submitted(request=request, user=alice.user, channel="portal", sent_on=date(2026, 11, 27),
                               reference="  ")
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.DRAFT


def test_a_mail_submission_needs_the_agencys_address_and_records_it(alice):
    request = ready(alice, mailing_address="")
    with pytest.raises(CannotSend, match="No mailing address is known"):
        request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 27))
    request.agency.mailing_address = "1 Civic Plaza\nSpringfield"
    request.agency.save()
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 27))
    assert RecordsRequest.objects.get(pk=request.pk).submitted_to == "1 Civic Plaza\nSpringfield"


def test_a_submission_dated_before_its_letter_waits_for_confirmation(alice):
    request = ready(alice)
    with pytest.raises(SubmissionBeforeLetter, match="dated 27 November 2026, after the submission date 20 November"):
        request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 20))
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.DRAFT
    request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 20),
                           confirm_before_letter=True)
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.SUBMITTED


def test_a_submission_date_in_the_future_is_refused(alice):
    request = ready(alice)
    with pytest.raises(CannotSend, match="future"):
        request_mark_submitted(request=request, user=alice.user, channel="mail",
                               sent_on=timezone.localdate() + timedelta(days=2))


def test_a_submission_cannot_be_recorded_while_the_email_is_on_its_way(alice):
    request = ready(alice)
    request_queue_email(request=request, user=alice.user)  # enqueued on commit: not sent here
    with pytest.raises(CannotSend, match="being emailed"):
        request_mark_submitted(request=request, user=alice.user, channel="mail", sent_on=date(2026, 11, 27))
    assert RecordsRequest.objects.get(pk=request.pk).status == Status.DRAFT


def test_a_queued_email_of_a_request_that_left_draft_is_failed_not_requeued_forever(alice, monkeypatch):
    from requests_app.workflow.status import request_transition

    request = ready(alice)
    request_queue_email(request=request, user=alice.user)
    request_transition(request=request, to_status=Status.WITHDRAWN, user=alice.user, reason="duplicate")
    deliver(request)
    request.refresh_from_db()
    assert request.send_state == State.FAILED and "left draft" in request.send_error and not mail.outbox
    woken = []
    monkeypatch.setattr(deliver_email, "apply_async", lambda args, **kw: woken.append(args))
    assert email_sweep(now=timezone.now() + timedelta(minutes=6)) == {"requeued": 0, "interrupted": 0, "expired": 0}
    assert woken == []


def test_a_second_email_of_a_letter_being_sent_is_never_sent(alice):
    from requests_app.records.models import REQUEST_LETTER
    from requests_app.workflow.sending import agency_email

    request = ready(alice)
    request_queue_email(request=request, user=alice.user)
    assert claim(request)  # a worker is sending it
    # Asked for again in the same instant, past the check made when queueing.
    again = agency_email(request=request, kind=REQUEST_LETTER, target_id=request.pk, user=alice.user,
                         subject="Again", paragraph="Again.")
    deliver_email(again.pk)
    again.refresh_from_db()
    assert (again.state, again.error) == (State.FAILED, "The letter was already emailed; it was not emailed again.")
    assert not mail.outbox
