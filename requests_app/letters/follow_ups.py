"""Follow-up and appeal letters, drafted when a request is overdue, a follow-up is due, or
the agency denies it (or lets the deadline pass where silence counts as a denial)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from requests_app.deadlines.engine import long_date
from requests_app.deadlines.models import RequestClock
from requests_app.letters.composer import Addressee, LawTerms, Letterhead, tidy_text
from requests_app.letters.inputs import letter_input_for
from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import AWAITING_ANSWER, RecordsRequest
from requests_app.records.trail import EventKind, record_event
from requests_app.teams.models import User


class AlreadyFinal(ValueError):
    pass


class BeingEmailed(ValueError):
    pass


@dataclass(frozen=True)
class FollowUpInput:
    """Everything a follow-up or appeal letter says, as plain values (composition is pure)."""

    letterhead: Letterhead
    addressee: Addressee
    law: LawTerms | None
    tracking: str
    received: date
    today: date
    due: date | None = None
    denied: date | None = None
    appeal_route: str = ""
    appeal_due: date | None = None
    constructive: bool = False


def compose_follow_up(letter: FollowUpInput) -> str:
    return _render("letters/follow_up_letter.txt", letter)


def compose_appeal(letter: FollowUpInput) -> str:
    return _render("letters/appeal_letter.txt", letter)


def _render(template: str, letter: FollowUpInput) -> str:
    context = {
        "org": letter.letterhead, "agency": letter.addressee, "law": letter.law, "tracking": letter.tracking,
        "received": long_date(letter.received), "elapsed": (letter.today - letter.received).days,
        "due": long_date(letter.due) if letter.due else "", "denied": long_date(letter.denied) if letter.denied else "",
        "appeal_route": letter.appeal_route, "appeal_due": long_date(letter.appeal_due) if letter.appeal_due else "",
        "constructive": letter.constructive,
    }
    return tidy_text(render_to_string(template, context))


def silence_is_denial(request: RecordsRequest) -> bool:
    """Whether the law treats no response by the deadline as a denial (constructive denial:
    the law's ``silence_is_denial``, set from its data's counting rule with its section)."""
    law = request.agency.jurisdiction.governing_law()
    return law is not None and law.silence_is_denial


def _input(request: RecordsRequest, today: date, **extra) -> FollowUpInput:
    base = letter_input_for(request, items=[])
    clock = request.clock
    law = request.agency.jurisdiction.governing_law()
    return FollowUpInput(
        letterhead=base.letterhead, addressee=base.addressee, law=base.law, tracking=request.tracking,
        received=clock.received_on, today=today, due=clock.response_due,
        appeal_route=law.appeal_route if law else "", appeal_due=clock.appeal_due, **extra,
    )


def _draft(request: RecordsRequest, kind: str, occasion: date, reason: str, text: str,
           user: User | None) -> FollowUpLetter | None:
    try:
        with transaction.atomic():
            letter = FollowUpLetter.objects.create(request=request, kind=kind, occasion=occasion, reason=reason,
                                                   text=text)
            record_event(request=request, actor=user, kind=EventKind.FOLLOW_UP_DRAFTED,
                         summary=f"{letter.get_kind_display().lower()} drafted: {reason}")
            return letter
    except IntegrityError:
        return None  # already drafted for this occasion


def follow_up_refusal(request: RecordsRequest) -> str:
    """Why a follow-up cannot be drafted by hand now ("" when it can): only a request
    awaiting the agency's answer, with its deadline clock running, is followed up."""
    if request.status not in AWAITING_ANSWER:
        return (f"{request.tracking} is {request.get_status_display().lower()}, not awaiting the agency's answer: "
                "a follow-up is for a sent request the agency has not answered.")
    if not RequestClock.objects.filter(request=request).exists():
        return f"{request.tracking} has no deadline clock: record when it was sent first."
    return ""


# ``user`` is None when a scan or the deadline engine drafts the letter.


def draft_follow_up(
    *, request: RecordsRequest, on: date, reason: str, user: User | None = None
) -> FollowUpLetter | None:
    letter = _draft(request, FollowUpLetter.Kind.FOLLOW_UP, on, reason, compose_follow_up(_input(request, on)), user)
    if letter and request.clock.response_due and on > request.clock.response_due and silence_is_denial(request):
        draft_appeal(request=request, on=on, constructive=True, user=user)
    return letter


def draft_appeal(
    *, request: RecordsRequest, on: date, constructive: bool = False, user: User | None = None
) -> FollowUpLetter | None:
    reason = "Constructive denial: no response by the deadline" if constructive else f"Denied on {long_date(on)}"
    text = compose_appeal(_input(request, on, denied=None if constructive else on, constructive=constructive))
    return _draft(request, FollowUpLetter.Kind.APPEAL, on, reason, text, user)


def follow_up_edit(*, letter: FollowUpLetter, text: str) -> FollowUpLetter:
    if letter.finalised_at:
        raise AlreadyFinal("This letter is final; its PDF can no longer change.")
    letter.text = text.replace("\r\n", "\n").strip() + "\n"
    letter.save(update_fields=["text"])
    return letter
