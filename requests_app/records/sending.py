"""Sending a finalised letter: by email through Django's mail backend, or recorded as
submitted through a portal or by mail. Either way the request leaves draft.

Email is sent at most once: the task claims the request with a conditional UPDATE
(queued -> sending) before talking to the mail server, so two workers or a re-delivered
message cannot send it twice. A worker killed mid-send leaves it "sending"; the sweep
marks that failed for a person to check rather than risk a duplicate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from requests_app.letters.models import LetterVersion
from requests_app.letters.services import latest_letter, letter_is_current
from requests_app.ops.queue import enqueue_on_commit
from requests_app.records.lifecycle import request_transition, status_summary
from requests_app.records.models import RecordsRequest, SendChannel, SendState, Status
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User

STALE_QUEUED = timedelta(minutes=5)
STALE_SENDING = timedelta(minutes=15)


class CannotSend(ValueError):
    pass


def _ready_letter(request: RecordsRequest) -> LetterVersion:
    if request.status != Status.DRAFT:
        raise CannotSend(f"{request.tracking} was already sent.")
    latest = latest_letter(request)
    if not letter_is_current(request, latest):
        raise CannotSend(f"Finalise the letter of {request.tracking} before sending it.")
    return latest


def request_queue_email(*, request: RecordsRequest, user: User) -> RecordsRequest:
    _ready_letter(request)
    if not request.agency.records_email:
        raise CannotSend(f"{request.agency.name} has no records email: submit through its portal or by mail.")
    if request.send_state in (SendState.QUEUED, SendState.SENDING):
        raise CannotSend(f"{request.tracking} is already being sent.")
    request.send_state = SendState.QUEUED
    request.send_error = ""
    request.send_requested_by = user
    request.send_updated_at = timezone.now()
    request.save(update_fields=["send_state", "send_error", "send_requested_by", "send_updated_at"])
    from requests_app.records.tasks import send_request_email

    enqueue_on_commit(send_request_email, request.pk)
    return request


def request_mark_submitted(
    *, request: RecordsRequest, user: User, channel: str, sent_on: date, reference: str = ""
) -> RecordsRequest:
    if channel not in (SendChannel.PORTAL, SendChannel.MAIL):
        raise CannotSend("Record a portal or mail submission here; email is sent by the app.")
    if sent_on > timezone.localdate():
        raise CannotSend("The submission date cannot be in the future.")
    _ready_letter(request)
    with transaction.atomic():
        moved = request_transition(
            request=request, to_status=Status.SUBMITTED, user=user, on=sent_on, trail=False,
            reason=f"Submitted by {SendChannel(channel).label.lower()}" + (f" ({reference})" if reference else ""),
        )
        request.sent_at = timezone.make_aware(datetime.combine(sent_on, time(12)))
        request.sent_via = channel
        request.submission_reference = reference
        request.save(update_fields=["sent_at", "sent_via", "submission_reference"])
        record_event(request=request, actor=user, kind=EventKind.SENT,
                     summary=f"{moved.reason} on {sent_on.isoformat()}; {status_summary(moved)}")
    return request


def claim_for_sending(request_id: int) -> bool:
    return bool(
        RecordsRequest.objects.filter(pk=request_id, send_state=SendState.QUEUED, status=Status.DRAFT)
        .update(send_state=SendState.SENDING, send_updated_at=timezone.now())
    )


def send_claimed_email(request_id: int) -> RecordsRequest:
    """Sends the email of a request this worker has claimed, and records the outcome."""
    request = RecordsRequest.objects.select_related("agency", "organization").get(pk=request_id)
    letter = latest_letter(request)
    message = _message(request, letter)
    try:
        message.send()
    except Exception as exc:  # any mail backend error is shown to the user, not retried blindly
        _record_failure(request, f"{type(exc).__name__}: {exc}")
        return request
    _record_sent(request, message.extra_headers["Message-ID"])
    return request


def _message(request: RecordsRequest, letter: LetterVersion) -> EmailMessage:
    organization = request.organization
    message = EmailMessage(
        subject=f"Public records request {request.tracking}: automated license plate reader records",
        body=(
            f"Dear Public Records Officer,\n\nPlease find attached a public records request from "
            f"{organization.name} (reference {request.tracking}). Please refer to {request.tracking} "
            f"in your reply.\n\nThank you,\n{organization.signer_name or organization.name}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.agency.records_email],
        reply_to=[organization.email] if organization.email else None,
        cc=[organization.email] if organization.email else None,
        headers={"Message-ID": make_msgid(idstring=request.tracking, domain=_message_domain())},
    )
    with letter.pdf.open("rb") as handle:
        message.attach(letter.filename, handle.read(), "application/pdf")
    return message


def _message_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def _record_sent(request: RecordsRequest, message_id: str) -> None:
    requested_by = request.send_requested_by
    with transaction.atomic():
        moved = request_transition(
            request=request, to_status=Status.SUBMITTED, user=requested_by, trail=False,
            reason=f"Emailed to {request.agency.records_email}",
        )
        RecordsRequest.objects.filter(pk=request.pk).update(
            send_state=SendState.SENT, send_updated_at=timezone.now(), sent_at=timezone.now(),
            sent_via=SendChannel.EMAIL, email_message_id=message_id, send_error="",
        )
        # The worker sent it, so the actor is the system; the summary names who asked.
        asked = f", asked by {requested_by}" if requested_by else ""
        record_event(request=request, actor=None, kind=EventKind.SENT,
                     summary=f"{moved.reason}{asked}; {status_summary(moved)}")


def _record_failure(request: RecordsRequest, error: str) -> None:
    RecordsRequest.objects.filter(pk=request.pk).update(
        send_state=SendState.FAILED, send_error=error[:2000], send_updated_at=timezone.now()
    )


def sweep_sends(*, now: datetime) -> dict[str, int]:
    """Re-enqueues sends stuck in "queued" (the broker was down) and fails interrupted ones."""
    from requests_app.records.tasks import send_request_email
    from requests_app.ops.queue import enqueue_now

    stale = RecordsRequest.objects.filter(send_state=SendState.QUEUED, send_updated_at__lt=now - STALE_QUEUED)
    requeued = sum(enqueue_now(send_request_email, pk) for pk in stale.values_list("pk", flat=True))
    interrupted = RecordsRequest.objects.filter(
        send_state=SendState.SENDING, send_updated_at__lt=now - STALE_SENDING
    ).update(
        send_state=SendState.FAILED,
        send_error="Sending was interrupted; check the sent mail before sending again.",
        send_updated_at=now,
    )
    return {"requeued": requeued, "interrupted": interrupted}
