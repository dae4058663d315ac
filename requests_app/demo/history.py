"""The rows a bulk demo request's story (activity.py) makes, written with one bulk insert
per table whatever the number of requests: status history, communications, fees, links
to released documents, clocks and reminders.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import models
from django.utils import timezone

from requests_app.correspondence.models import Communication, Fee
from requests_app.deadlines import engine
from requests_app.deadlines.models import Reminder, RequestClock
from requests_app.demo.activity import (
    ACTIONS, ANSWERED, APPEAL, MOVED_BY_HAND, MOVES, OURS, PAID, RELEASES, RESUMING, SUE, UPDATE, WITHDRAW, A, Step,
    Story,
)
from requests_app.documents.models import Document, RequestDocument
from requests_app.records.models import RecordsRequest, SendChannel, Status, StatusChange
from requests_app.teams.models import Organization, User

FROM_AGENCY, TO_AGENCY = Communication.Direction.FROM_AGENCY, Communication.Direction.TO_AGENCY

# Subject and body of each step's communication; None: the step is a status move only.
WORDING: dict[str, tuple[str, str] | None] = {
    A.ACKNOWLEDGED: ("Acknowledgment of your records request",
                     "We received your request on {received}. Our reference is {reference}; please quote it."),
    A.EXTENSION: ("Extension of time for {tracking}",
                  "We need more time to search for and review the records. We expect to respond by {extended_to}."),
    A.CLARIFICATION: ("Question about request {tracking}",
                      "Please say which date range and which systems you mean by audit logs. The time to respond "
                      "is paused until we hear from you."),
    A.FEE_ESTIMATE: ("Cost estimate for request {tracking}",
                     "Gathering and redacting the records will cost an estimated ${fee}. Please confirm that you "
                     "will pay before we go on."),
    ANSWERED: ("Re: Question about request {tracking}",
               "We mean the logs of every search made in the period of our letter, in your own systems and in "
               "the vendor's portal."),
    PAID: ("Payment for request {tracking}", "Enclosed is the payment of ${fee} you estimated. Please go on with "
                                             "the request."),
    UPDATE: ("Phone call from the records unit", "The records officer called: the search has started and the "
                                                 "vendor has been asked for the logs."),
    A.RELEASED_PARTIAL: ("First installment of records: {tracking}",
                         "Attached is a first installment. Some records are withheld: {exemptions} The rest will "
                         "follow."),
    A.RELEASED_FULL: ("Records released: {tracking}", "Attached are the records responsive to your request, which "
                                                      "is now closed."),
    A.NO_RECORDS: ("No responsive records: {tracking}", "A search found no records responsive to your request."),
    A.DENIED: ("Response to records request {tracking}", "Your request is denied. {exemptions} You may appeal."),
    APPEAL: ("Appeal of the denial of {tracking}", "We appeal the denial of {denied}: audit logs record the "
                                                   "agency's own use of the system and no exemption covers them."),
    WITHDRAW: None,
    SUE: None,
}



@dataclass(frozen=True)
class Released:
    """The documents an agency's releases link to: shared by all its requests."""

    full: list[Document]
    partial: list[Document]


@dataclass(frozen=True)
class _Logged:
    """A step's communication, with its request."""

    request: RecordsRequest
    step: Step
    communication: Communication


# The rows below name related rows by id: setting related objects costs more per row,
# and nothing here reads them back.


def write_history(*, organization: Organization, user: User, stories: list[tuple[RecordsRequest, Story]],
                  released: dict[int, Released]) -> None:
    """The sent requests' status history, communications, fees, documents, clocks and reminders."""
    StatusChange.objects.bulk_create([change for r, s in stories for change in _status_changes(r, s, user)])
    logged = _communications(organization, user, stories)
    Communication.objects.bulk_create([c.communication for c in logged])
    Fee.objects.bulk_create([f for c in logged if (f := _fee(c))])
    links = RequestDocument.objects.bulk_create([
        RequestDocument(request_id=c.request.pk, document_id=d.pk, communication_id=c.communication.pk,
                        added_by_id=c.communication.logged_by_id,
                        note=f"Released with the reply of {c.step.on.isoformat()}")
        for c in logged if c.step.kind in RELEASES for d in _released_documents(released[c.request.agency_id], c.step)
    ])
    clocks = RequestClock.objects.bulk_create([RequestClock.of(r, **s.clock) for r, s in stories])
    laws = {r.pk: s.law for r, s in stories}
    Reminder.objects.bulk_create([reminder for c in clocks for reminder in laws[c.request_id].reminders(c)],
                                 batch_size=5000)
    # The dashboard lists documents by when they were filed, which the database sets to
    # now: they are put back to the day of the reply that brought them. (Status changes,
    # communications and fees keep now as the time they were logged: the dashboard and
    # the request page order those by the day they happened.)
    day_of = {c.communication.pk: c.step.on for c in logged}
    backdate(RequestDocument, "added_at", [(d.pk, noon(day_of[d.communication_id])) for d in links])


def _status_changes(request: RecordsRequest, story: Story, user: User) -> list[StatusChange]:
    """Each move of the request's status, from draft to its status now."""
    by = request.owner_id or user.pk
    changes = [StatusChange(request_id=request.pk, from_status=Status.DRAFT, to_status=Status.SUBMITTED,
                            changed_by_id=by, reason=f"Submitted by {SendChannel(request.sent_via).label.lower()}",
                            effective_on=story.received)]
    status = Status.SUBMITTED
    for step in story.steps:
        target = MOVES.get(step.kind)
        if target is None or target == status:
            continue
        reason = MOVED_BY_HAND.get(step.kind) or (
            f"{A(_action(step.kind)).label} ({_channel(request, step).label.lower()})")
        if step.kind == A.DENIED:
            reason += f"; exemptions cited: {step.exemptions}"
        changes.append(StatusChange(request_id=request.pk, from_status=status, to_status=target, changed_by_id=by,
                                    reason=reason, effective_on=step.on))
        status = target
    return changes


def _action(kind: str) -> str:
    """The action a step's communication records (none for a status moved by hand)."""
    if kind in RESUMING:
        return A.RESUMED
    return kind if kind in ACTIONS else A.NONE


def _channel(request: RecordsRequest, step: Step) -> Communication.Channel:
    if step.kind == UPDATE:
        return Communication.Channel.PHONE
    if step.kind in OURS:
        return Communication.Channel(request.sent_via)  # the way the request itself went
    return Communication.Channel.PORTAL if request.sent_via == SendChannel.PORTAL else Communication.Channel.EMAIL


def _communications(organization: Organization, user: User,
                    stories: list[tuple[RecordsRequest, Story]]) -> list[_Logged]:
    logged = []
    our_side = organization.email or organization.name
    for request, story in stories:
        agency_side = f"Records Unit, {request.agency.name}"
        denied = story.last(A.DENIED)
        for step in story.steps:
            wording = WORDING[step.kind]
            if wording is None:
                continue
            ours = step.kind in OURS
            values = {"tracking": request.tracking, "reference": step.reference, "fee": step.fee,
                      "exemptions": step.exemptions}
            if step.kind == A.ACKNOWLEDGED:
                values["received"] = engine.long_date(story.received)
            elif step.kind == A.EXTENSION:
                values["extended_to"] = engine.long_date(step.extended_to)
            elif step.kind == APPEAL:
                values["denied"] = engine.long_date(denied.on)
            logged.append(_Logged(request, step, Communication(
                request_id=request.pk, direction=TO_AGENCY if ours else FROM_AGENCY, channel=_channel(request, step),
                occurred_on=step.on, sender=our_side if ours else agency_side,
                recipient=agency_side if ours else our_side, subject=wording[0].format(**values),
                body=wording[1].format(**values), action=_action(step.kind), agency_reference=step.reference,
                extended_to=step.extended_to, fee_amount=step.fee if step.kind == A.FEE_ESTIMATE else None,
                exemptions=step.exemptions if step.kind == A.DENIED else "",
                logged_by_id=request.owner_id or user.pk,
            )))
    return logged


def _fee(logged: _Logged) -> Fee | None:
    step, communication = logged.step, logged.communication
    if step.kind not in (A.FEE_ESTIMATE, PAID):
        return None
    kind = Fee.Kind.ESTIMATE if step.kind == A.FEE_ESTIMATE else Fee.Kind.PAYMENT
    note = "" if kind == Fee.Kind.ESTIMATE else f"check {1000 + logged.request.pk % 9000}"
    return Fee(request_id=logged.request.pk, kind=kind, amount=step.fee, occurred_on=step.on, note=note,
               communication_id=communication.pk, recorded_by_id=communication.logged_by_id)


def _released_documents(released: Released, step: Step) -> list[Document]:
    return released.full if step.kind == A.RELEASED_FULL else released.partial


def noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


BACKDATE_CHUNK = 4000  # rows per UPDATE: each row's id is two parameters, well under SQLite's limit


def backdate(model: type[models.Model], field: str, rows: list[tuple[int, datetime]]) -> None:
    """Sets ``field`` of each row (pk, time) with one UPDATE per chunk of rows."""
    for start in range(0, len(rows), BACKDATE_CHUNK):
        by_time: dict[datetime, list[int]] = defaultdict(list)
        for pk, at in rows[start:start + BACKDATE_CHUNK]:
            by_time[at].append(pk)
        when = [models.When(pk__in=pks, then=models.Value(at)) for at, pks in by_time.items()]
        model.objects.filter(pk__in=[pk for pks in by_time.values() for pk in pks]).update(
            **{field: models.Case(*when, output_field=models.DateTimeField())})
