"""What happened to the bulk demo requests after they were sent: the scripts.

Each status is reached by one of a few scripts of steps: an acknowledgment, an extension,
a fee estimate and its payment, a release, a denial and its appeal... A request's script,
dated from its sent date on the agency's business days and never later than today, gives
everything else (history.py writes it): its communications, fees and documents, its
status history, its items' outcomes and the clock the steps leave behind. So the rows
agree with one another and with the status: a request whose fee is requested has the
estimate's reply and fee, and its clock stopped that day.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from requests_app.agencies.models import Agency
from requests_app.correspondence.models import Communication
from requests_app.correspondence.services import STATUS_FOR
from requests_app.deadlines import engine
from requests_app.deadlines.models import Reminder, RequestClock
from requests_app.deadlines.rules import calendar_for, rule_for
from requests_app.deadlines.scheduling import wanted
from requests_app.laws.models import StatutoryDeadline
from requests_app.records.models import DISPUTED, RequestItem, Status

A = Communication.Action
# Our own steps, besides the agencies' replies (whose kinds are Communication actions).
ANSWERED = "answered"  # we answered the agency's question; its clock restarts
PAID = "paid"  # we paid the estimate; its clock restarts
UPDATE = "update"  # the records unit phoned to say it is searching; we moved the status by hand
APPEAL = "appeal"  # we appealed the denial
WITHDRAW = "withdraw"  # we withdrew the request
SUE = "sue"  # we went to court

# The status each step moves the request to (a step missing here leaves it unchanged).
MOVES: dict[str, Status] = {
    **STATUS_FOR, ANSWERED: Status.PROCESSING, PAID: Status.PROCESSING, UPDATE: Status.PROCESSING,
    APPEAL: Status.APPEALED, WITHDRAW: Status.WITHDRAWN, SUE: Status.LITIGATION,
}
MOVED_BY_HAND = {UPDATE: "The records officer phoned: the search has started", APPEAL: "Appeal sent",
                 WITHDRAW: "Withdrawn: another request to this agency covers the same records",
                 SUE: "Petition filed in superior court"}
PAUSING = (A.CLARIFICATION, A.FEE_ESTIMATE)
RESUMING = (ANSWERED, PAID)
OURS = (ANSWERED, PAID, APPEAL)  # written by us to the agency
ACTIONS = frozenset(A.values)
RELEASES = (A.RELEASED_PARTIAL, A.RELEASED_FULL)
NOT_CHASED = DISPUTED  # no follow-ups after a denial
# Days after the previous step (or the sending) each step comes, at least and at most.
GAPS: dict[str, tuple[int, int]] = {
    A.ACKNOWLEDGED: (1, 4), A.EXTENSION: (3, 8), A.CLARIFICATION: (2, 7), A.FEE_ESTIMATE: (3, 10),
    ANSWERED: (1, 5), PAID: (2, 8), UPDATE: (2, 8), A.RELEASED_PARTIAL: (5, 15), A.RELEASED_FULL: (4, 15),
    A.NO_RECORDS: (4, 12), A.DENIED: (4, 12), APPEAL: (3, 10), WITHDRAW: (2, 10), SUE: (10, 20),
}
ACKNOWLEDGED_SHARE = 0.7  # of the agencies that go on to do something else
PAID_SHARE = 0.3  # of the released requests, those that cost a fee first
FEE_AMOUNTS = [Decimal(a) for a in ("12.50", "18.00", "25.00", "38.75", "48.50", "75.00", "120.00", "186.40",
                                    "240.00", "415.00")]
EXEMPTIONS = [
    "Investigative records: the logs would reveal investigative techniques.",
    "Security: the logs would reveal the locations of cameras.",
    "Privacy: the logs hold license plates of people not suspected of any crime.",
    "Records of another agency: the vendor holds the logs, not this department.",
]
@dataclass(frozen=True)
class Step:
    kind: str  # a Communication action, or one of our own steps above
    on: date
    fee: Decimal | None = None  # the estimate, or the payment
    extended_to: date | None = None  # the date the agency named
    reference: str = ""  # the agency's own number, given with its acknowledgment
    exemptions: str = ""


@dataclass(frozen=True)
class Story:
    """A sent request's steps, and the clock they leave (RequestClock's fields)."""

    received: date
    steps: list[Step]
    clock: dict[str, object]
    law: AgencyLaw

    @property
    def reference(self) -> str:
        return next((s.reference for s in self.steps if s.reference), "")

    def last(self, *kinds: str) -> Step | None:
        return next((s for s in reversed(self.steps) if s.kind in kinds), None)


class AgencyLaw:
    """One agency's law and calendar, with the engine's answers that many requests share kept."""

    def __init__(self, agency: Agency) -> None:
        law = agency.jurisdiction.governing_law()
        self.calendar = calendar_for(agency.jurisdiction)
        self.rule = rule_for(law)
        self.acknowledgment = rule_for(law, StatutoryDeadline.Kind.ACKNOWLEDGMENT)
        self.appeal = rule_for(law, StatutoryDeadline.Kind.APPEAL)
        self._due: dict[date, engine.Result] = {}
        self._acknowledgment_due: dict[date, date | None] = {}
        self._follow_up: dict[tuple[date, date | None], date] = {}
        self._reminders: dict[tuple, list[tuple[str, date]]] = {}
        self._open: dict[date, date] = {}

    def due(self, received: date) -> engine.Result:
        if received not in self._due:
            self._due[received] = engine.due_date(self.rule, received, self.calendar)
        return self._due[received]

    def acknowledgment_due(self, received: date) -> date | None:
        if received not in self._acknowledgment_due:
            due = None
            if self.acknowledgment:
                due = engine.due_date(self.acknowledgment, received, self.calendar, what="an acknowledgment").due
            self._acknowledgment_due[received] = due
        return self._acknowledgment_due[received]

    def reminders(self, clock: RequestClock) -> list[Reminder]:
        """``reminders_for(clock, status)``, worked out once for each set of dates and status."""
        key = (clock.request_status, clock.response_due, clock.follow_up_on, clock.paused_on is None, clock.appeal_due)
        if key not in self._reminders:
            self._reminders[key] = sorted(wanted(clock, clock.request_status, self.calendar))
        return [Reminder(request_id=clock.request_id, kind=kind, target_date=day) for kind, day in self._reminders[key]]

    def working_day(self, day: date, *, after: date, today: date) -> date:
        """``day`` or the business day after it, when offices write back; never past today nor before ``after``."""
        if day not in self._open:
            self._open[day] = engine.next_business_day(day, self.calendar)[0]
        return max(min(self._open[day], today), after)

    def follow_up(self, received: date, due: date | None) -> date:
        if (received, due) not in self._follow_up:
            self._follow_up[received, due] = engine.follow_up_date(
                received=received, due=due, last_follow_up=None, calendar=self.calendar).due
        return self._follow_up[received, due]


# Scripts and stories -------------------------------------------------------------------


def script(status: Status, rng: random.Random) -> list[str]:
    """The steps that take a request just sent to ``status``, in order."""
    ack = [A.ACKNOWLEDGED] if rng.random() < ACKNOWLEDGED_SHARE else []
    paid = [A.FEE_ESTIMATE, PAID] if rng.random() < PAID_SHARE else []
    chance = rng.random()
    match Status(status):
        case Status.ACKNOWLEDGED:
            return [A.ACKNOWLEDGED] + ([A.EXTENSION] if chance < 0.3 else [])
        case Status.PROCESSING if chance < 0.5:
            return ack + [UPDATE] + ([A.EXTENSION] if chance < 0.2 else [])
        case Status.PROCESSING:
            return ack + ([A.CLARIFICATION, ANSWERED] if chance < 0.75 else [A.FEE_ESTIMATE, PAID])
        case Status.NEEDS_CLARIFICATION:
            return ack + [A.CLARIFICATION]
        case Status.FEE_REQUESTED:
            return ack + [A.FEE_ESTIMATE]
        case Status.PARTIALLY_FULFILLED:
            return ack + paid + [A.RELEASED_PARTIAL]
        case Status.FULFILLED:
            return ack + paid + [A.RELEASED_FULL]
        case Status.NO_RECORDS:
            return ack + [A.NO_RECORDS]
        case Status.DENIED:
            return ack + [A.DENIED]
        case Status.APPEALED:
            return ack + [A.DENIED, APPEAL]
        case Status.LITIGATION:
            return ack + [A.DENIED, APPEAL, SUE]
        case Status.WITHDRAWN:
            return ack + [WITHDRAW]
    return []  # a draft, or a request that has had no answer yet


def gaps(kinds: Sequence[str], rng: random.Random) -> list[int]:
    """Days between each step and the one before (or the sending)."""
    return [rng.randint(*GAPS[kind]) for kind in kinds]


def story_for(*, kinds: Sequence[str], gaps: Sequence[int], status: Status, received: date, today: date,
              law: AgencyLaw, rng: random.Random) -> Story:
    """The script dated from ``received`` (no step after today) and the clock it leaves."""
    first = law.due(received)
    due, explanation = first.due, first.explanation
    paused_on = remaining = appeal_due = fee = None
    steps, on = [], received
    for kind, gap in zip(kinds, gaps):
        on = law.working_day(on + timedelta(days=gap), after=on, today=today)
        step = Step(kind, on)
        if kind == A.ACKNOWLEDGED:
            step = replace(step, reference=f"R{on:%y}-{rng.randint(1000, 99999)}")
        elif kind == A.EXTENSION:
            named = max(due or on, on) + timedelta(days=rng.randint(10, 25))
            result = engine.extended_due(law.rule, due or named, law.calendar, agency_date=named)
            due, explanation, step = result.due, result.explanation, replace(step, extended_to=named)
        elif kind in PAUSING:
            if kind == A.FEE_ESTIMATE:
                fee = rng.choice(FEE_AMOUNTS)
                step = replace(step, fee=fee)
            paused_on = on
            remaining = engine.remaining_days(law.rule.day_type, due, on, law.calendar) if due else None
            explanation = f"The clock stopped on {engine.long_date(on)} ({MOVES[kind].label.lower()})."
        elif kind in RESUMING:
            if kind == PAID:
                step = replace(step, fee=fee)
            if remaining is not None:
                result = engine.resumed_due(law.rule.day_type, remaining, paused_on, on, law.calendar)
                due, explanation = result.due, result.explanation
            else:
                explanation = f"The clock restarted on {engine.long_date(on)}."
            paused_on = remaining = None
        elif kind == A.DENIED:
            result = engine.appeal_deadline(law.appeal, on, law.calendar)
            appeal_due, explanation = result.due, result.explanation
            step = replace(step, exemptions=rng.choice(EXEMPTIONS))
        elif kind == A.RELEASED_PARTIAL:
            step = replace(step, exemptions=rng.choice(EXEMPTIONS))
        steps.append(step)
    chased = paused_on is None and Status(status) not in NOT_CHASED
    clock = {
        "received_on": received, "day_type": law.rule.day_type, "acknowledgment_due": law.acknowledgment_due(received),
        "response_due": due, "paused_on": paused_on, "remaining_days": remaining, "appeal_due": appeal_due,
        "follow_up_on": law.follow_up(received, due) if chased else None, "explanation": explanation,
        "reminders_scheduled": True,
    }
    return Story(received, steps, clock, law)


def item_outcome(item: RequestItem, story: Story | None) -> RequestItem:
    """The item with what the agency did about it, as the request's last answer says."""
    answer = story.last(*RELEASES, A.NO_RECORDS, A.DENIED) if story else None
    if answer is None:
        return item
    if answer.kind == A.RELEASED_PARTIAL and item.position > 1:
        # The first item came in the installment; the second is withheld; the rest are awaited.
        if item.position > 2:
            return item
        item.outcome, item.exemption = RequestItem.Outcome.WITHHELD, answer.exemptions
    elif answer.kind in RELEASES:
        item.outcome = RequestItem.Outcome.RELEASED
    elif answer.kind == A.NO_RECORDS:
        item.outcome = RequestItem.Outcome.NO_RECORDS
    else:
        item.outcome, item.exemption = RequestItem.Outcome.WITHHELD, answer.exemptions
    item.outcome_on = answer.on
    return item
