"""Follow-up and appeal letters, drafted when a request is overdue, a follow-up is due, or
the agency denies it (or lets the deadline pass where silence counts as a denial). One way
drafts them, for one letter or a reminder scan's hundreds: what they say is read in a few
queries, they are composed here, and written together (draft_follow_ups)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string

from requests_app.deadlines.engine import long_date
from requests_app.deadlines.models import RequestClock
from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.selectors import governing_laws
from requests_app.letters.composer import Addressee, LawTerms, Letterhead, tidy_text
from requests_app.letters.inputs import letter_input_under
from requests_app.letters.models import FollowUpLetter
from requests_app.records.models import AWAITING_ANSWER, RecordsRequest
from requests_app.records.trail import EventKind, record_summaries
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


@dataclass(frozen=True)
class FollowUpOccasion:
    """A follow-up to draft: the request, the day it answers (overdue, follow-up due, or the
    day it is drafted by hand) and why, as the letter and the request's history say."""

    request: RecordsRequest
    on: date
    reason: str


@dataclass(frozen=True)
class _Letter:
    """A letter to write unless its request has one of its kind for its day already."""

    request: RecordsRequest
    kind: str
    occasion: date
    reason: str
    compose: Callable[[FollowUpInput], str]  # only for a letter written
    content: FollowUpInput
    then: _Letter | None = None  # written with it, if it is written: a constructive denial's appeal

    @property
    def key(self) -> tuple[int, str, date]:
        return self.request.pk, self.kind, self.occasion


def _input(request: RecordsRequest, law: PublicRecordsLaw | None, today: date, **extra) -> FollowUpInput:
    base = letter_input_under(law, request, items=[])
    clock = request.clock
    return FollowUpInput(
        letterhead=base.letterhead, addressee=base.addressee, law=base.law, tracking=request.tracking,
        received=clock.received_on, today=today, due=clock.response_due,
        appeal_route=law.appeal_route if law else "", appeal_due=clock.appeal_due, **extra,
    )


def _follow_up(occasion: FollowUpOccasion, law: PublicRecordsLaw | None) -> _Letter:
    request, on = occasion.request, occasion.on
    due = request.clock.response_due
    # Constructive denial: where the law takes no response by the deadline for a denial
    # (its silence_is_denial, set from its data's counting rule with its section), the
    # appeal is drafted with the follow-up.
    constructive = bool(due and on > due and law is not None and law.silence_is_denial)
    appeal = _appeal(request, law, on, constructive=True) if constructive else None
    return _Letter(request, FollowUpLetter.Kind.FOLLOW_UP, on, occasion.reason, compose_follow_up,
                   _input(request, law, on), then=appeal)


def _appeal(request: RecordsRequest, law: PublicRecordsLaw | None, on: date, *, constructive: bool) -> _Letter:
    reason = "Constructive denial: no response by the deadline" if constructive else f"Denied on {long_date(on)}"
    content = _input(request, law, on, denied=None if constructive else on, constructive=constructive)
    return _Letter(request, FollowUpLetter.Kind.APPEAL, on, reason, compose_appeal, content)


def _laws_for(requests: Sequence[RecordsRequest]) -> dict[int, PublicRecordsLaw]:
    """Loads what the requests' letters say that they do not hold yet (their agencies'
    jurisdictions, organizations and clocks, a query each at most) and returns the laws
    governing their jurisdictions, by jurisdiction id (two queries)."""
    prefetch_related_objects(list(requests), "agency__jurisdiction", "organization", "clock")
    return governing_laws({request.agency.jurisdiction for request in requests})


def _write(letters: Sequence[_Letter], user: User | None) -> list[FollowUpLetter]:
    try:
        with transaction.atomic():
            return _insert(letters, user)
    except IntegrityError:
        # Another caller drafted one of them between the look and the INSERT (by hand, at
        # the same moment, on PostgreSQL): the savepoint is undone, and a second look finds it.
        with transaction.atomic():
            return _insert(letters, user)


def _insert(letters: Sequence[_Letter], user: User | None) -> list[FollowUpLetter]:
    """The letters not drafted yet, and their history lines, one INSERT each (a few on SQLite)."""
    written = FollowUpLetter.objects.bulk_create(
        FollowUpLetter(request=letter.request, kind=letter.kind, occasion=letter.occasion, reason=letter.reason,
                       text=letter.compose(letter.content))
        for letter in _undrafted(letters))
    record_summaries(actor=user, kind=EventKind.FOLLOW_UP_DRAFTED, summaries=[
        (letter.request, f"{letter.get_kind_display().lower()} drafted: {letter.reason}") for letter in written])
    return written


def _undrafted(letters: Sequence[_Letter]) -> list[_Letter]:
    """Those no request has yet, each once (the first of a request, kind and day), each
    followed by what comes with it if that is new too; one query."""
    taken = set(FollowUpLetter.objects.filter(request_id__in={letter.request.pk for letter in letters})
                .values_list("request_id", "kind", "occasion"))
    new: list[_Letter] = []
    for letter in letters:
        one: _Letter | None = letter
        while one is not None and one.key not in taken:
            taken.add(one.key)
            new.append(one)
            one = one.then
    return new


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


def draft_follow_ups(occasions: Sequence[FollowUpOccasion], *, user: User | None = None) -> list[FollowUpLetter]:
    """Drafts each occasion's follow-up letter and, for a constructive denial, its appeal;
    none its request already has for that day (of two occasions of one request and day, the
    first). In the same few queries however many there are: what the letters say is loaded
    together (each jurisdiction's law once), the letters are composed here, then written
    with their history lines, one INSERT each. Returns the letters written, each follow-up
    before its appeal."""
    laws = _laws_for([occasion.request for occasion in occasions])
    return _write([_follow_up(o, laws.get(o.request.agency.jurisdiction_id)) for o in occasions], user)


def draft_follow_up(
    *, request: RecordsRequest, on: date, reason: str, user: User | None = None
) -> FollowUpLetter | None:
    """draft_follow_ups for one: its follow-up letter, or None if one was drafted that day."""
    letters = draft_follow_ups([FollowUpOccasion(request, on, reason)], user=user)
    return letters[0] if letters else None


def draft_appeal(
    *, request: RecordsRequest, on: date, constructive: bool = False, user: User | None = None
) -> FollowUpLetter | None:
    """The appeal of a denial on ``on`` (or of silence past the deadline), or None if one was drafted that day."""
    law = _laws_for([request]).get(request.agency.jurisdiction_id)
    letters = _write([_appeal(request, law, on, constructive=constructive)], user)
    return letters[0] if letters else None


def follow_up_edit(*, letter: FollowUpLetter, text: str) -> FollowUpLetter:
    if letter.finalised_at:
        raise AlreadyFinal("This letter is final; its PDF can no longer change.")
    letter.text = text.replace("\r\n", "\n").strip() + "\n"
    letter.save(update_fields=["text"])
    return letter
