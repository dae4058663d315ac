"""Emailing a finalised follow-up or appeal letter to the agency, at most once.

Through the outbox, as a request's own letter (records/sending.py): queueing stores the
email in the caller's transaction; once it has gone, ``_after_send`` records the letter sent
as a person would by hand (follow_up_mark_sent). The message replies to the request's
original email, when it was emailed, so that the agency sees one thread.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from requests_app.letters.models import FollowUpLetter
from requests_app.outbox.kinds import Attachment, Kind
from requests_app.outbox.models import IN_FLIGHT, Email
from requests_app.outbox.selectors import another_went
from requests_app.records.channels import CannotSend, records_email_of
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User
from requests_app.workflow.letters import follow_up_mark_sent
from requests_app.workflow.sending import agency_email

_PARAGRAPH = {
    FollowUpLetter.Kind.FOLLOW_UP: "Please find attached a follow-up from {org} on public records request {tracking}, "
                                   "to which we have not yet had a complete response.",
    FollowUpLetter.Kind.APPEAL: "Please find attached an appeal from {org} of the response to public records request "
                                "{tracking}.",
}


@transaction.atomic
def follow_up_queue_email(*, letter: FollowUpLetter, user: User) -> FollowUpLetter:
    """Queues the letter to be emailed to the agency's records email, or raises CannotSend."""
    kind = letter.get_kind_display()
    if not letter.finalised_at:
        raise CannotSend(f"Finalise the {kind.lower()} letter before sending it.")
    if letter.sent_on:
        raise CannotSend(f"This {kind.lower()} letter was already sent on {letter.sent_on:%d %b %Y}.")
    # Checked under the letter's row lock, so that two clicks never queue two emails.
    FollowUpLetter.objects.select_for_update().only("pk").get(pk=letter.pk)
    letter.email_changed()
    if letter.send_state in IN_FLIGHT:
        raise CannotSend(f"This {kind.lower()} letter is already being sent.")
    request = letter.request
    records_email_of(request.agency)
    original = request.email_message_id
    agency_email(
        request=request, kind=letter.kind, target_id=letter.pk, user=user,
        subject=f"{kind}: public records request {request.tracking}",
        paragraph=_PARAGRAPH[letter.kind].format(org=request.organization.name, tracking=request.tracking)
        + f" Please refer to {request.tracking} in your reply.",
        headers={"In-Reply-To": original, "References": original} if original else None,
    )
    letter.email_changed()
    return letter


def _letter_of(email: Email) -> FollowUpLetter:
    return FollowUpLetter.objects.select_related("request__agency").get(pk=email.target_id)


def _attachments(email: Email) -> list[Attachment]:
    letter = _letter_of(email)
    with letter.pdf.open("rb") as handle:
        return [(letter.filename, handle.read(), "application/pdf")]


def _blocked(email: Email) -> str:
    if not FollowUpLetter.objects.filter(pk=email.target_id, sent_on__isnull=True).exists():
        return "The letter was recorded as sent before its email went out; it was not emailed."
    return "The letter was already emailed; it was not emailed again." if another_went(email) else ""


def _after_send(email: Email) -> str:
    letter = _letter_of(email)
    requested_by = email.requested_by
    letter.email_message_id = email.message_id
    # The worker sent it, so the actor is the system; the summary names who asked.
    summary = f"{letter.get_kind_display()} letter emailed to {email.to[0]}" + (
        f", asked by {requested_by}" if requested_by else "")
    try:
        with transaction.atomic():
            letter.save(update_fields=["email_message_id"])
            follow_up_mark_sent(letter=letter, user=requested_by, on=timezone.localdate())
            record_event(request=letter.request, actor=None, kind=EventKind.SENT, summary=summary)
    except ValueError as exc:  # the lifecycle's or the clock's refusal, e.g. an appeal of a request since withdrawn
        # The email has gone: record that, and leave the rest for a person to set.
        letter.sent_on = timezone.localdate()
        letter.save(update_fields=["email_message_id", "sent_on"])
        record_event(request=letter.request, actor=None, kind=EventKind.SENT, summary=summary)
        return f"Emailed, but not recorded on the request: {exc} Update it by hand."
    return ""


EMAILED_FOLLOW_UP = Kind(FollowUpLetter.Kind.FOLLOW_UP.value, attachments=_attachments, blocked=_blocked,
                         after_send=_after_send)
EMAILED_APPEAL = Kind(FollowUpLetter.Kind.APPEAL.value, attachments=_attachments, blocked=_blocked, after_send=_after_send)
