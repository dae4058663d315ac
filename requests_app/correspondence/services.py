"""Communications with the agency, the items' outcomes and the fees: stored and checked here.
The status move and clock change a logged action implies are the workflow's
(requests_app.workflow.replies.communication_log)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from requests_app.correspondence.models import Communication, Fee
from requests_app.records.models import RecordsRequest, RequestItem, Status
from requests_app.records.trail import EventKind, change, record_event
from requests_app.teams.models import User

A = Communication.Action
# The status each action moves the request to.
STATUS_FOR: dict[str, Status] = {
    A.ACKNOWLEDGED: Status.ACKNOWLEDGED,
    A.CLARIFICATION: Status.NEEDS_CLARIFICATION,
    A.FEE_ESTIMATE: Status.FEE_REQUESTED,
    A.RESUMED: Status.PROCESSING,
    A.RELEASED_PARTIAL: Status.PARTIALLY_FULFILLED,
    A.RELEASED_FULL: Status.FULFILLED,
    A.NO_RECORDS: Status.NO_RECORDS,
    A.DENIED: Status.DENIED,
}


@dataclass(frozen=True)
class Message:
    direction: str
    channel: str
    occurred_on: date
    sender: str = ""
    recipient: str = ""
    subject: str = ""
    body: str = ""


@dataclass(frozen=True)
class Action:
    kind: str = ""
    agency_reference: str = ""
    extended_to: date | None = None
    fee_amount: Decimal | None = None
    exemptions: str = ""


def _check(request: RecordsRequest, action: Action) -> None:
    if action.kind and request.status == Status.DRAFT:
        raise ValidationError("Send the request before logging what the agency did.")
    # Keyed by the Action field each is about, so a form can show it beside that field.
    if action.kind == A.EXTENSION and action.extended_to is None and not request_has_fixed_deadline(request):
        raise ValidationError({"extended_to": "Give the new due date: this law sets no fixed extension."})
    if action.kind == A.FEE_ESTIMATE and action.fee_amount is None:
        raise ValidationError({"fee_amount": "Give the amount of the fee estimate."})
    if action.kind == A.DENIED and not action.exemptions.strip():
        raise ValidationError({"exemptions": "Give the exemptions the agency cited (or say that it cited none)."})


def request_has_fixed_deadline(request: RecordsRequest) -> bool:
    clock = getattr(request, "clock", None)
    return bool(clock and clock.response_due)


def communication_store(*, request: RecordsRequest, user: User | None, message: Message,
                        action: Action = Action()) -> Communication:
    """Checks and stores the communication with what it records within this app (the
    agency's reference, a fee estimate); moving the request and its clock is the
    workflow's (requests_app.workflow.replies)."""
    _check(request, action)
    communication = Communication.objects.create(
        request=request, direction=message.direction, channel=message.channel, occurred_on=message.occurred_on,
        sender=message.sender, recipient=message.recipient, subject=message.subject, body=message.body,
        action=action.kind, agency_reference=action.agency_reference, extended_to=action.extended_to,
        fee_amount=action.fee_amount, exemptions=action.exemptions, logged_by=user,
    )
    if action.kind == A.ACKNOWLEDGED and communication.agency_reference:
        RecordsRequest.objects.filter(pk=request.pk).update(agency_reference=communication.agency_reference)
        request.agency_reference = communication.agency_reference
    if action.kind == A.FEE_ESTIMATE:
        Fee.objects.create(request=request, kind=Fee.Kind.ESTIMATE, amount=communication.fee_amount,
                           occurred_on=communication.occurred_on, communication=communication, recorded_by=user)
    return communication


def communication_event(*, request: RecordsRequest, user: User | None, communication: Communication,
                        before: str) -> None:
    """The history line of a logged communication, naming the status move it made, if any."""
    record_event(request=request, actor=user, kind=EventKind.COMMUNICATION_LOGGED,
                 summary=_communication_summary(communication, before, request.status),
                 happened_on=communication.occurred_on)


@transaction.atomic
def message_log(*, request: RecordsRequest, user: User | None, message: Message) -> Communication:
    """Logs a message that records no action (an email filed from the mailbox)."""
    communication = communication_store(request=request, user=user, message=message)
    communication_event(request=request, user=user, communication=communication, before=request.status)
    return communication


def _communication_summary(communication: Communication, before: str, after: str) -> str:
    """E.g. "from the agency by email (Acknowledged); status: Submitted → Acknowledged"."""
    text = f"{communication.get_direction_display().lower()} by {communication.get_channel_display().lower()}"
    if communication.action:
        text += f" ({communication.get_action_display()})"
    if before != after:
        text += f"; {change('status', Status(before).label, Status(after).label)}"
    return text


def status_move_of(communication: Communication) -> tuple[Status, str] | None:
    """The status the communication's action moves the request to, with the reason the
    history gives; None if it moves nothing."""
    target = STATUS_FOR.get(communication.action)
    if target is None:
        return None
    reason = f"{communication.get_action_display()} ({communication.get_channel_display().lower()})"
    if communication.exemptions:
        reason += f"; exemptions cited: {communication.exemptions}"
    return target, reason


# Items and fees -----------------------------------------------------------------------


def item_outcome_set(*, item: RequestItem, outcome: str, on: date, exemption: str = "", note: str = "",
                     document_ids: list[int] | None = None) -> RequestItem:
    """Records what the agency did about one item, and which of the request's documents answer it."""
    if outcome not in RequestItem.Outcome.values:
        raise ValidationError(f"Unknown outcome {outcome!r}.")
    if outcome in (RequestItem.Outcome.WITHHELD, RequestItem.Outcome.PARTLY_RELEASED) and not exemption.strip():
        raise ValidationError("Give the exemption the agency cited for what it withheld.")
    item.outcome, item.exemption, item.outcome_note, item.outcome_on = outcome, exemption.strip(), note.strip(), on
    item.save(update_fields=["outcome", "exemption", "outcome_note", "outcome_on"])
    if document_ids is not None:
        links = item.request.document_links.filter(document_id__in=document_ids)
        item.document_links.set(links)
    return item


def fee_record(*, request: RecordsRequest, user: User, kind: str, on: date, amount: Decimal | None = None,
               note: str = "") -> Fee:
    needs_amount = kind in (Fee.Kind.ESTIMATE, Fee.Kind.INVOICE, Fee.Kind.PAYMENT)
    if needs_amount and amount is None:
        raise ValidationError(f"A {Fee.Kind(kind).label.lower()} needs an amount.")
    if amount is not None and amount < 0:
        raise ValidationError("An amount cannot be negative.")
    fee = Fee(request=request, kind=kind, amount=amount, occurred_on=on, note=note, recorded_by=user)
    fee.full_clean()
    with transaction.atomic():
        fee.save()
        record_event(request=request, actor=user, kind=EventKind.FEE_RECORDED, summary=_fee_summary(fee),
                     happened_on=fee.occurred_on)
    return fee


def _fee_summary(fee: Fee) -> str:
    """E.g. "fee: invoice $120.00 on 2026-12-01 (check 1042)"."""
    text = f"fee: {fee.get_kind_display().lower()}"
    if fee.amount is not None:
        text += f" ${fee.amount}"
    text += f" on {fee.occurred_on.isoformat()}"
    return f"{text} ({fee.note})" if fee.note else text


@dataclass(frozen=True)
class FeeSummary:
    estimated: Decimal
    invoiced: Decimal
    paid: Decimal
    waived: bool

    @property
    def owed(self) -> Decimal:
        if self.waived:
            return Decimal(0)
        return max((self.invoiced or self.estimated) - self.paid, Decimal(0))


def fee_summary(fees: list[Fee]) -> FeeSummary:
    """What a request's fee records add up to (the latest estimate, invoices and payments)."""
    estimates = [f for f in fees if f.kind == Fee.Kind.ESTIMATE]
    waivers = [f for f in fees if f.kind in (Fee.Kind.WAIVER_GRANTED, Fee.Kind.WAIVER_DENIED)]
    return FeeSummary(
        estimated=estimates[-1].amount if estimates else Decimal(0),
        invoiced=sum((f.amount for f in fees if f.kind == Fee.Kind.INVOICE), Decimal(0)),
        paid=sum((f.amount for f in fees if f.kind == Fee.Kind.PAYMENT), Decimal(0)),
        waived=bool(waivers) and waivers[-1].kind == Fee.Kind.WAIVER_GRANTED,
    )


@dataclass(frozen=True)
class FeeTotals:
    estimated: Decimal
    invoiced: Decimal
    paid: Decimal
    owed: Decimal


def fee_totals(summaries: list[FeeSummary]) -> FeeTotals:
    """What many requests' fees add up to, e.g. a campaign's."""
    return FeeTotals(
        estimated=sum((s.estimated for s in summaries), Decimal(0)),
        invoiced=sum((s.invoiced for s in summaries), Decimal(0)),
        paid=sum((s.paid for s in summaries), Decimal(0)),
        owed=sum((s.owed for s in summaries), Decimal(0)),
    )
