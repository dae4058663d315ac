"""A communication logged on a request, with everything the action it records sets off:
an extension moves the due date, an acknowledgment, a clarification, a fee estimate, a
release or a denial moves the request (and so its clock). All or nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_app.correspondence.models import Communication
from requests_app.correspondence.services import (
    Action,
    Message,
    communication_event,
    communication_store,
    status_move_of,
)
from requests_app.deadlines.clock import ClockError, clock_extend
from requests_app.records.models import RecordsRequest
from requests_app.teams.models import User
from requests_app.workflow.status import request_transition


@transaction.atomic
def communication_log(*, request: RecordsRequest, user: User | None, message: Message,
                      action: Action = Action()) -> Communication:
    """Stores the communication and applies its action; on any refusal nothing is stored."""
    before = request.status
    communication = communication_store(request=request, user=user, message=message, action=action)
    try:
        _apply(request, user, communication)
    except ClockError as exc:
        raise ValidationError(str(exc)) from None
    communication_event(request=request, user=user, communication=communication, before=before)
    return communication


def _apply(request: RecordsRequest, user: User | None, communication: Communication) -> None:
    on = communication.occurred_on
    if communication.action == Communication.Action.EXTENSION:
        clock_extend(request=request, on=on, agency_date=communication.extended_to, user=user)
    move = status_move_of(communication)
    if move is not None and request.status != move[0]:
        target, reason = move
        # The communication's own event names this move.
        request_transition(request=request, to_status=target, user=user, reason=reason, on=on, trail=False)
