"""Emailing a finalised follow-up or appeal letter to the agency, at most once.

The same machinery as a request's own letter (records/sending.py): queueing records the
send and enqueues a task on commit; the task claims the letter (queued -> sending) before
talking to the mail server; success records it sent as a person would by hand
(follow_up_mark_sent), failure stores the error for the user; the sweep re-enqueues stale
"queued" letters and fails stale "sending" ones. The message replies to the request's
original email, when it was emailed, so that the agency sees one thread.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import SendState
from requests_app.records.sending import (
    IN_FLIGHT, CannotSend, agency_message, claim_send, queue_send, records_email_of, send_or_record_failure,
    sweep_stale_sends,
)
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User

_PARAGRAPH = {
    FollowUpLetter.Kind.FOLLOW_UP: "Please find attached a follow-up from {org} on public records request {tracking}, "
                                   "to which we have not yet had a complete response.",
    FollowUpLetter.Kind.APPEAL: "Please find attached an appeal from {org} of the response to public records request "
                                "{tracking}.",
}


def follow_up_queue_email(*, letter: FollowUpLetter, user: User) -> FollowUpLetter:
    """Queues the letter to be emailed to the agency's records email, or raises CannotSend."""
    kind = letter.get_kind_display()
    if not letter.finalised_at:
        raise CannotSend(f"Finalise the {kind.lower()} letter before sending it.")
    if letter.sent_on:
        raise CannotSend(f"This {kind.lower()} letter was already sent on {letter.sent_on:%d %b %Y}.")
    if letter.send_state in IN_FLIGHT:
        raise CannotSend(f"This {kind.lower()} letter is already being sent.")
    records_email_of(letter.request.agency)
    from requests_app.letters.tasks import send_follow_up_email

    queue_send(row=letter, user=user, task=send_follow_up_email)
    return letter


def claim_follow_up(letter_id: int) -> bool:
    return claim_send(FollowUpLetter.objects.filter(pk=letter_id, sent_on__isnull=True))


def send_claimed_follow_up(letter_id: int) -> FollowUpLetter:
    """Sends the email of a letter this worker has claimed, and records the outcome."""
    letter = FollowUpLetter.objects.select_related(
        "request__agency", "request__organization", "send_requested_by"
    ).get(pk=letter_id)
    request = letter.request
    original = request.email_message_id
    message = agency_message(
        request=request, pdf=letter.pdf, filename=letter.filename,
        subject=f"{letter.get_kind_display()}: public records request {request.tracking}",
        paragraph=_PARAGRAPH[letter.kind].format(org=request.organization.name, tracking=request.tracking)
        + f" Please refer to {request.tracking} in your reply.",
        headers={"In-Reply-To": original, "References": original} if original else None,
    )
    if send_or_record_failure(message, row=letter):
        _record_sent(letter, message.extra_headers["Message-ID"])
    return letter


def _record_sent(letter: FollowUpLetter, message_id: str) -> None:
    from requests_app.workflow.letters import follow_up_mark_sent  # until sending moves to the workflow

    requested_by = letter.send_requested_by
    letter.send_state, letter.send_error = SendState.SENT, ""
    letter.email_message_id, letter.send_updated_at = message_id, timezone.now()
    fields = ["send_state", "send_error", "email_message_id", "send_updated_at"]
    # The worker sent it, so the actor is the system; the summary names who asked.
    summary = f"{letter.get_kind_display()} letter emailed to {letter.request.agency.records_email}" + (
        f", asked by {requested_by}" if requested_by else "")
    try:
        with transaction.atomic():
            letter.save(update_fields=fields)
            follow_up_mark_sent(letter=letter, user=requested_by, on=timezone.localdate())
            record_event(request=letter.request, actor=None, kind=EventKind.SENT, summary=summary)
    except ValueError as exc:  # the lifecycle's or the clock's refusal, e.g. an appeal of a request since withdrawn
        # The email has gone: record that, and leave the rest for a person to set.
        letter.sent_on = timezone.localdate()
        letter.send_error = f"Emailed, but not recorded on the request: {exc} Update it by hand."
        with transaction.atomic():
            letter.save(update_fields=[*fields, "sent_on"])
            record_event(request=letter.request, actor=None, kind=EventKind.SENT, summary=summary)


def sweep_follow_up_sends(*, now: datetime) -> dict[str, int]:
    from requests_app.letters.tasks import send_follow_up_email

    return sweep_stale_sends(model=FollowUpLetter, task=send_follow_up_email, now=now)
