"""A request's status as a state machine: the allowed moves, and the move itself (the
status and its history row). What a move implies beyond the request (its clock, an appeal
letter) is the workflow's: requests_app.workflow.status.request_transition."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from requests_app.records.models import ANSWERED, RecordsRequest, Status, StatusChange
from requests_app.records.trail import EventKind, change as field_change, record_event
from requests_app.teams.models import User

S = Status
_ANSWERS = ANSWERED
_OPEN = {S.ACKNOWLEDGED, S.PROCESSING, S.NEEDS_CLARIFICATION, S.FEE_REQUESTED}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset(_OPEN | _ANSWERS | {S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset((_OPEN - {S.ACKNOWLEDGED}) | _ANSWERS | {S.WITHDRAWN}),
    S.PROCESSING: frozenset((_OPEN - {S.PROCESSING, S.ACKNOWLEDGED}) | _ANSWERS | {S.WITHDRAWN}),
    S.NEEDS_CLARIFICATION: frozenset({S.PROCESSING, S.FEE_REQUESTED} | _ANSWERS | {S.WITHDRAWN}),
    S.FEE_REQUESTED: frozenset({S.PROCESSING, S.NEEDS_CLARIFICATION} | _ANSWERS | {S.WITHDRAWN}),
    S.PARTIALLY_FULFILLED: frozenset({S.PROCESSING, S.FULFILLED, S.DENIED, S.APPEALED, S.WITHDRAWN}),
    S.FULFILLED: frozenset({S.APPEALED}),
    S.NO_RECORDS: frozenset({S.APPEALED, S.LITIGATION}),
    S.DENIED: frozenset({S.APPEALED, S.LITIGATION}),
    S.APPEALED: frozenset({S.PROCESSING, S.LITIGATION, S.WITHDRAWN} | _ANSWERS),
    S.LITIGATION: frozenset(_ANSWERS | {S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}


class TransitionError(ValueError):
    """A move the lifecycle does not allow; the message says which moves are allowed."""


def allowed_moves(status: str) -> list[Status]:
    return sorted(TRANSITIONS[Status(status)], key=list(Status).index)


def move_status(
    *, request: RecordsRequest, to_status: str, user: User | None, reason: str, on: date, trail: bool = True,
) -> StatusChange:
    """Moves the request under its row lock and writes the history row, or raises
    TransitionError; ``request`` comes back in its new status, and so does the change's
    ``request``, the row as read under the lock. ``trail=False`` is for a caller
    that records one event of its own naming the move (sending, logging a communication)."""
    target = Status(to_status)
    with transaction.atomic():
        current = RecordsRequest.objects.select_for_update().get(pk=request.pk)
        if target not in TRANSITIONS[Status(current.status)]:
            raise TransitionError(_refusal(current, target))
        change = StatusChange.objects.create(
            request=current, from_status=current.status, to_status=target, changed_by=user, reason=reason,
            effective_on=on,
        )
        RecordsRequest.objects.filter(pk=current.pk).update(status=target)
        if trail:
            record_event(request=current, actor=user, kind=EventKind.STATUS_CHANGED,
                         summary=status_summary(change, reason))
        current.status = target
    request.status = target
    return change


def status_summary(status_change: StatusChange, reason: str = "") -> str:
    moved = field_change("status", Status(status_change.from_status).label, Status(status_change.to_status).label)
    return f"{moved} ({reason})" if reason else moved


def _refusal(request: RecordsRequest, target: Status) -> str:
    here = Status(request.status)
    options = ", ".join(s.label for s in allowed_moves(here)) or "nothing (it is final)"
    return f"{request.tracking} cannot move from {here.label} to {target.label}; from {here.label} it can move to {options}."
