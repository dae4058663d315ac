"""Sending a finalised letter: by email through Django's mail backend, or recorded as
submitted through a portal or by mail. Either way the request leaves draft.

Email is sent at most once: the task claims the request with a conditional UPDATE
(queued -> sending) before talking to the mail server, so two workers or a re-delivered
message cannot send it twice. A worker killed mid-send leaves it "sending"; the sweep
marks that failed for a person to check rather than risk a duplicate.

Follow-up and appeal letters are emailed the same way (letters/follow_up_sending.py), with
the helpers below that act on any model carrying the send fields (send_state, send_error,
send_requested_by, send_updated_at).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.utils import make_msgid

from celery import Task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from requests_app.letters.composer import format_date
from requests_app.letters.models import LetterVersion
from requests_app.letters.services import latest_letter, letter_is_current
from requests_app.agencies.models import Agency
from requests_app.ops.queue import enqueue_on_commit
from requests_app.records.lifecycle import status_summary
from requests_app.records.models import RecordsRequest, SendChannel, SendState, Status
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User

STALE_QUEUED = timedelta(minutes=5)
STALE_SENDING = timedelta(minutes=15)
IN_FLIGHT = (SendState.QUEUED, SendState.SENDING)


class CannotSend(ValueError):
    pass


class LetterNotFinal(CannotSend):
    """The draft has no finalised letter with its text: the PDF must be made first."""


def _ready_letter(request: RecordsRequest) -> LetterVersion:
    if request.status != Status.DRAFT:
        raise CannotSend(f"{request.tracking} was already sent.")
    latest = latest_letter(request)
    if not letter_is_current(request, latest):
        raise LetterNotFinal(f"Finalise the letter of {request.tracking} before sending it.")
    return latest


def request_queue_email(*, request: RecordsRequest, user: User) -> RecordsRequest:
    _ready_letter(request)
    _require_contact(request.agency, SendChannel.EMAIL)
    if request.send_state in IN_FLIGHT:
        raise CannotSend(f"{request.tracking} is already being sent.")
    from requests_app.records.tasks import send_request_email

    queue_send(row=request, user=user, task=send_request_email)
    return request


class SubmissionBeforeLetter(CannotSend):
    """A submission dated before the letter it sent: allowed only once a person confirms it."""


# What each way of sending needs from the agency's directory entry, and how the page names it.
CONTACT_FOR = {
    SendChannel.EMAIL: ("records_email", "records email"),
    SendChannel.PORTAL: ("portal_url", "records request portal"),
    SendChannel.MAIL: ("mailing_address", "mailing address"),
}


def missing_contact(agency: Agency, channel: str) -> str:
    """Why the letter cannot go to ``agency`` by ``channel`` ("" when it can): the contact the
    directory lacks. A letter never waits for a contact; only sending does."""
    field, label = CONTACT_FOR[SendChannel(channel)]
    if getattr(agency, field):
        return ""
    if channel == SendChannel.EMAIL:
        reason = without_email(agency)
        return f"{reason[0].upper()}{reason[1:]}."
    return (f"No {label} is known for {agency.name}: add it to the agency's records contact in the directory, "
            "or send the letter another way.")


def without_email(agency: Agency) -> str:
    """How a letter reaches an agency with no records email, for lists of those left to send."""
    if agency.portal_url:
        return f"no records email is known for {agency.name}: submit the PDF through its portal ({agency.portal_url})"
    if agency.mailing_address:
        return f"no records email is known for {agency.name}: mail the PDF to its address"
    return (f"no records email, portal or mailing address is known for {agency.name}: add its records contact "
            "to the directory to send the PDF")


def _require_contact(agency: Agency, channel: str) -> str:
    if problem := missing_contact(agency, channel):
        raise CannotSend(problem)
    return getattr(agency, CONTACT_FOR[SendChannel(channel)][0])


def records_email_of(agency: Agency) -> str:
    return _require_contact(agency, SendChannel.EMAIL)


def queue_send(*, row: models.Model, user: User, task: Task) -> None:
    """Records the send as queued, then wakes a worker once that is committed."""
    row.send_state = SendState.QUEUED
    row.send_error = ""
    row.send_requested_by = user
    row.send_updated_at = timezone.now()
    row.save(update_fields=["send_state", "send_error", "send_requested_by", "send_updated_at"])
    enqueue_on_commit(task, row.pk)


def request_mark_submitted(
    *, request: RecordsRequest, user: User, channel: str, sent_on: date, reference: str = "",
    confirm_before_letter: bool = False,
) -> RecordsRequest:
    """Records a submission made outside the app: through the agency's portal (its URL and
    the agency's reference are recorded) or by mail to its address."""
    if channel not in (SendChannel.PORTAL, SendChannel.MAIL):
        raise CannotSend("Record a portal or mail submission here; email is sent by the app.")
    if sent_on > timezone.localdate():
        raise CannotSend("The submission date cannot be in the future.")
    letter = _ready_letter(request)
    submitted_to = _require_contact(request.agency, channel)
    reference = reference.strip()
    if channel == SendChannel.PORTAL and not reference:
        raise CannotSend("Give the reference the portal gave the request (its request or confirmation number).")
    if sent_on < letter.letter_date and not confirm_before_letter:
        raise SubmissionBeforeLetter(
            f"The letter is dated {format_date(letter.letter_date)}, after the submission date {format_date(sent_on)}. "
            "Check the date, or confirm that the letter went out on that day.")
    if request.send_state in IN_FLIGHT:
        raise CannotSend(f"{request.tracking} is being emailed to the agency; wait for the outcome before "
                         "recording another submission.")
    from requests_app.workflow.status import request_transition  # until sending moves to the workflow

    with transaction.atomic():
        # Saved before the move, so the clock it starts knows how the request went.
        request.sent_at = timezone.make_aware(datetime.combine(sent_on, time(12)))
        request.sent_via = channel
        request.submission_reference = reference
        request.submitted_to = submitted_to
        request.save(update_fields=["sent_at", "sent_via", "submission_reference", "submitted_to"])
        moved = request_transition(
            request=request, to_status=Status.SUBMITTED, user=user, on=sent_on, trail=False,
            reason=f"Submitted by {SendChannel(channel).label.lower()}" + (f" ({reference})" if reference else ""),
        )
        record_event(request=request, actor=user, kind=EventKind.SENT, happened_on=sent_on,
                     summary=f"{moved.reason} on {sent_on.isoformat()}; {status_summary(moved)}")
    return request


def claim_for_sending(request_id: int) -> bool:
    return claim_send(RecordsRequest.objects.filter(pk=request_id, status=Status.DRAFT))


def claim_send(rows: models.QuerySet) -> bool:
    """queued -> sending in one conditional UPDATE: only one worker can win it."""
    return bool(rows.filter(send_state=SendState.QUEUED).update(send_state=SendState.SENDING,
                                                                send_updated_at=timezone.now()))


def send_claimed_email(request_id: int) -> RecordsRequest:
    """Sends the email of a request this worker has claimed, and records the outcome."""
    request = RecordsRequest.objects.select_related("agency", "organization").get(pk=request_id)
    letter = latest_letter(request)
    message = agency_message(
        request=request, pdf=letter.pdf, filename=letter.filename,
        subject=f"Public records request {request.tracking}: automated license plate reader records",
        paragraph=f"Please find attached a public records request from {request.organization.name} "
                  f"(reference {request.tracking}). Please refer to {request.tracking} in your reply.",
    )
    if send_or_record_failure(message, row=request):
        _record_sent(request, message.extra_headers["Message-ID"], to=message.to[0])
    return request


def agency_message(
    *, request: RecordsRequest, subject: str, paragraph: str, pdf: FieldFile, filename: str,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A letter of ``request`` to its agency's records email, the PDF attached; the
    organization gets the agency's reply (reply-to) and a copy (cc)."""
    organization = request.organization
    copy = [organization.email] if organization.email else None
    message = EmailMessage(
        subject=subject,
        body=(f"Dear Public Records Officer,\n\n{paragraph}\n\n"
              f"Thank you,\n{organization.signer_name or organization.name}\n"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.agency.records_email],
        reply_to=copy,
        cc=copy,
        headers={"Message-ID": make_msgid(idstring=request.tracking, domain=_message_domain()), **(headers or {})},
    )
    with pdf.open("rb") as handle:
        message.attach(filename, handle.read(), "application/pdf")
    return message


def send_or_record_failure(message: EmailMessage, *, row: models.Model) -> bool:
    try:
        message.send()
    except Exception as exc:  # any mail backend error is shown to the user, not retried blindly
        type(row).objects.filter(pk=row.pk).update(
            send_state=SendState.FAILED, send_error=f"{type(exc).__name__}: {exc}"[:2000],
            send_updated_at=timezone.now(),
        )
        return False
    return True


def _message_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def _record_sent(request: RecordsRequest, message_id: str, to: str) -> None:
    requested_by = request.send_requested_by
    from requests_app.workflow.status import request_transition  # until sending moves to the workflow

    with transaction.atomic():
        # Recorded before the move, so the clock it starts knows the request went by email
        # (Michigan counts an emailed request as received a business day later).
        RecordsRequest.objects.filter(pk=request.pk).update(
            send_state=SendState.SENT, send_updated_at=timezone.now(), sent_at=timezone.now(),
            sent_via=SendChannel.EMAIL, email_message_id=message_id, send_error="", submitted_to=to,
        )
        request.sent_via = SendChannel.EMAIL
        moved = request_transition(
            request=request, to_status=Status.SUBMITTED, user=requested_by, trail=False,
            reason=f"Emailed to {request.agency.records_email}",
        )
        # The worker sent it, so the actor is the system; the summary names who asked.
        asked = f", asked by {requested_by}" if requested_by else ""
        record_event(request=request, actor=None, kind=EventKind.SENT,
                     summary=f"{moved.reason}{asked}; {status_summary(moved)}")


def sweep_sends(*, now: datetime) -> dict[str, int]:
    from requests_app.records.tasks import send_request_email

    # A request moved out of draft by another path while its email waited (withdrawn, say)
    # can never be claimed: it is marked failed, so it is neither re-enqueued forever nor sent.
    left_draft = RecordsRequest.objects.filter(send_state=SendState.QUEUED, send_updated_at__lt=now - STALE_QUEUED)
    abandoned = left_draft.exclude(status=Status.DRAFT).update(
        send_state=SendState.FAILED, send_updated_at=now,
        send_error="The request left draft before its email went out; it was not emailed.",
    )
    return {**sweep_stale_sends(model=RecordsRequest, task=send_request_email, now=now), "abandoned": abandoned}


def sweep_stale_sends(*, model: type[models.Model], task: Task, now: datetime) -> dict[str, int]:
    """Re-enqueues sends stuck in "queued" (the broker was down) and fails interrupted ones."""
    from requests_app.ops.queue import enqueue_now

    stale = model.objects.filter(send_state=SendState.QUEUED, send_updated_at__lt=now - STALE_QUEUED)
    requeued = sum(enqueue_now(task, pk) for pk in stale.values_list("pk", flat=True))
    interrupted = model.objects.filter(
        send_state=SendState.SENDING, send_updated_at__lt=now - STALE_SENDING
    ).update(
        send_state=SendState.FAILED,
        send_error="Sending was interrupted; check the sent mail before sending again.",
        send_updated_at=now,
    )
    return {"requeued": requeued, "interrupted": interrupted}
