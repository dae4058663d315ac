"""A status move and everything it sets off: what happens on a denial, an acknowledgment,
a pause for clarification or a fee, is read here and nowhere else."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from requests_app.deadlines.clock import clock_after_transition
from requests_app.letters.follow_ups import draft_appeal
from requests_app.records.lifecycle import move_status
from requests_app.records.models import RecordsRequest, StatusChange
from requests_app.teams.models import User


def request_transition(
    *, request: RecordsRequest, to_status: str, user: User | None, reason: str = "", on: date | None = None,
    trail: bool = True,
) -> StatusChange:
    """Moves the request as of ``on`` (default today), all or nothing, or raises
    TransitionError:

    1. the status and its history row (records.lifecycle);
    2. the statutory clock and its reminders (deadlines.clock): started when the request
       is sent, stopped while the agency waits on the requester, restarted after, and on a
       denial the appeal window opened;
    3. on a denial, the appeal letter drafted (letters.follow_ups).

    ``trail=False`` is for a caller that records one event of its own naming the move.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        change = move_status(request=request, to_status=to_status, user=user, reason=reason, on=on, trail=trail)
        current = change.request  # read under the lock, so nothing on it predates the move
        outcome = clock_after_transition(request=current, from_status=change.from_status,
                                         to_status=change.to_status, on=on, user=user)
        if outcome.appeal_opened_on is not None:
            draft_appeal(request=current, on=outcome.appeal_opened_on)
    return change
