"""Sending a finalised letter: by email through the outbox, or recorded as submitted through
a portal or by mail. Either way the request leaves draft.

Email goes through requests_app/outbox: queueing stores the email in the caller's
transaction, and the outbox claims, sends and records it at most once (see
outbox/services.py). Once it has gone, ``_after_send`` records the request sent and starts
its clock. Follow-up and appeal letters are emailed the same way
(workflow/follow_up_sending.py), addressed by ``agency_email`` below. What an agency's
directory entry allows is records/channels.py.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from requests_app.letters.composer import format_date
from requests_app.letters.models import LetterVersion
from requests_app.letters.services import latest_letter, letter_is_current
from requests_app.outbox.kinds import Attachment, Kind
from requests_app.outbox.models import IN_FLIGHT, Email
from requests_app.outbox.selectors import another_went
from requests_app.outbox.services import email_enqueue
from requests_app.records.channels import CannotSend, require_contact
from requests_app.records.lifecycle import status_summary
from requests_app.records.models import REQUEST_LETTER, RecordsRequest, SendChannel, Status
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User
from requests_app.workflow.status import request_transition


class LetterNotFinal(CannotSend):
    """The draft has no finalised letter with its text: the PDF must be made first."""


def _ready_letter(request: RecordsRequest) -> LetterVersion:
    if request.status != Status.DRAFT:
        raise CannotSend(f"{request.tracking} was already sent.")
    latest = latest_letter(request)
    if not letter_is_current(request, latest):
        raise LetterNotFinal(f"Finalise the letter of {request.tracking} before sending it.")
    return latest


@transaction.atomic
def request_queue_email(*, request: RecordsRequest, user: User) -> RecordsRequest:
    _ready_letter(request)
    require_contact(request.agency, SendChannel.EMAIL)
    # Checked under the request's row lock, so that two clicks never queue two emails.
    RecordsRequest.objects.select_for_update().only("pk").get(pk=request.pk)
    request.email_changed()
    if request.send_state in IN_FLIGHT:
        raise CannotSend(f"{request.tracking} is already being sent.")
    agency_email(
        request=request, kind=REQUEST_LETTER, target_id=request.pk, user=user,
        subject=f"Public records request {request.tracking}: automated license plate reader records",
        paragraph=f"Please find attached a public records request from {request.organization.name} "
                  f"(reference {request.tracking}). Please refer to {request.tracking} in your reply.",
    )
    request.email_changed()
    return request


class SubmissionBeforeLetter(CannotSend):
    """A submission dated before the letter it sent: allowed only once a person confirms it."""


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
    submitted_to = require_contact(request.agency, channel)
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


def agency_email(
    *, request: RecordsRequest, kind: str, target_id: int, user: User, subject: str, paragraph: str,
    headers: dict[str, str] | None = None,
) -> Email:
    """Queues a letter of ``request`` to its agency's records email (the kind attaches the
    PDF); the organization gets the agency's reply (reply-to) and a copy (cc)."""
    organization = request.organization
    copy = [organization.email] if organization.email else []
    return email_enqueue(
        kind=kind, target_id=target_id, organization=organization, requested_by=user,
        to=[request.agency.records_email], cc=copy, reply_to=copy, subject=subject, headers=headers,
        body=(f"Dear Public Records Officer,\n\n{paragraph}\n\n"
              f"Thank you,\n{organization.signer_name or organization.name}\n"),
        id_hint=request.tracking,
    )


def _request_of(email: Email) -> RecordsRequest:
    return RecordsRequest.objects.select_related("agency", "organization").get(pk=email.target_id)


def _attachments(email: Email) -> list[Attachment]:
    letter = latest_letter(_request_of(email))
    with letter.pdf.open("rb") as handle:
        return [(letter.filename, handle.read(), "application/pdf")]


def _blocked(email: Email) -> str:
    # A request moved out of draft by another path while its email waited (withdrawn, say).
    if not RecordsRequest.objects.filter(pk=email.target_id, status=Status.DRAFT).exists():
        return "The request left draft before its email went out; it was not emailed."
    return "The letter was already emailed; it was not emailed again." if another_went(email) else ""


def _after_send(email: Email) -> str:
    request = _request_of(email)
    requested_by = email.requested_by
    # Recorded before the move, so the clock it starts knows the request went by email
    # (Michigan counts an emailed request as received a business day later).
    RecordsRequest.objects.filter(pk=request.pk).update(
        sent_at=email.sent_at, sent_via=SendChannel.EMAIL, email_message_id=email.message_id, submitted_to=email.to[0],
    )
    request.sent_via = SendChannel.EMAIL
    moved = request_transition(
        request=request, to_status=Status.SUBMITTED, user=requested_by, trail=False,
        reason=f"Emailed to {email.to[0]}",
    )
    # The worker sent it, so the actor is the system; the summary names who asked.
    asked = f", asked by {requested_by}" if requested_by else ""
    record_event(request=request, actor=None, kind=EventKind.SENT,
                 summary=f"{moved.reason}{asked}; {status_summary(moved)}")
    return ""


EMAILED_LETTER = Kind(REQUEST_LETTER, attachments=_attachments, blocked=_blocked, after_send=_after_send)
