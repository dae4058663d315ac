"""A follow-up or appeal letter recorded as sent, and what that sets off: a follow-up
restarts the follow-up schedule; an appeal moves the request to "appealed" (through
"denied" first, where the agency never answered and silence counts as a denial)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from requests_app.deadlines.clock import clock_followed_up
from requests_app.deadlines.engine import long_date
from requests_app.letters.follow_ups import AlreadyFinal, BeingEmailed
from requests_app.letters.models import FollowUpLetter
from requests_app.outbox.models import IN_FLIGHT
from requests_app.records.models import ANSWERED, Status
from requests_app.teams.models import User
from requests_app.workflow.status import request_transition


def follow_up_mark_sent(*, letter: FollowUpLetter, user: User | None, on: date) -> FollowUpLetter:
    """Records the letter as sent on ``on``. ``user`` is None only if whoever asked to email
    it has since been deleted."""
    _check_sendable(letter)
    with transaction.atomic():
        letter.sent_on = on
        letter.save(update_fields=["sent_on"])
        if letter.kind == FollowUpLetter.Kind.FOLLOW_UP:
            clock_followed_up(request=letter.request, on=on, user=user)
        else:
            _appeal_sent(letter, user=user, on=on)
    return letter


def _check_sendable(letter: FollowUpLetter) -> None:
    if not letter.finalised_at:
        raise AlreadyFinal("Finalise the letter before recording it as sent.")
    if letter.send_state in IN_FLIGHT:
        raise BeingEmailed("This letter is being emailed to the agency; wait for the outcome before recording it.")
    if letter.sent_on:
        raise AlreadyFinal(f"This letter was already recorded as sent on {long_date(letter.sent_on)}.")


def _appeal_sent(letter: FollowUpLetter, *, user: User | None, on: date) -> None:
    request = letter.request
    if request.status == Status.APPEALED:
        return  # a second appeal letter leaves it appealed
    if request.status not in ANSWERED:
        request_transition(request=request, to_status=Status.DENIED, user=user, on=letter.occasion,
                           reason="Constructive denial: no response by the deadline")
    request_transition(request=request, to_status=Status.APPEALED, user=user, on=on,
                       reason=f"Appeal sent ({letter.reason})")
