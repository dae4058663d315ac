"""From the law data to the engine's plain rules and calendars, and the counting rules a
statute adds: when a request counts as received, what the response clock runs from, and
what the explanation of a date must say besides the arithmetic.

Everything here reads a law already in memory (its deadlines prefetched) and computes; the
clock (``clock.py``) stores the results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from requests_app.deadlines import engine
from requests_app.deadlines.calendars import BusinessCalendar
from requests_app.deadlines.models import RequestClock
from requests_app.laws.models import Jurisdiction, PublicRecordsLaw, StatutoryDeadline

EMAIL_RECEIPT = "email_received_next_business_day"
CLOSED_DAY_RECEIPT = "closed_day_receipt_next_business_day"
# "Electronic mail or other electronic transmission" (MCL 15.235(1)): a records portal's web
# form is one, as the email is.
ELECTRONIC = {"email": "Sent by email", "portal": "Submitted through the records portal"}


def rule_for(law: PublicRecordsLaw, kind: str = StatutoryDeadline.Kind.RESPONSE) -> engine.Rule | None:
    """The law's first clock of this kind, or None if the law sets none."""
    deadline = law.deadline(kind)
    if deadline is None:
        return None
    return engine.Rule(days=deadline.days, day_type=deadline.day_type, law=law.name,
                       citation=deadline.section or law.citation)


def calendar_for(jurisdiction: Jurisdiction, agency_closed: Mapping[date, str] | None = None) -> BusinessCalendar:
    return BusinessCalendar(jurisdiction.state_code, agency_closed)


def calendar_of(clock: RequestClock) -> BusinessCalendar:
    """The jurisdiction's business days, less the days the agency itself closes (entered on
    the request where the law lets an agency designate them)."""
    closed = {date.fromisoformat(d["date"]): d["reason"] for d in clock.agency_closed_days}
    return calendar_for(clock.request.agency.jurisdiction, closed)


@dataclass(frozen=True)
class Receipt:
    """When a request counts as received, and why."""

    on: date
    explanation: str = ""


def agency_closed_days_allowed(law: PublicRecordsLaw) -> dict | None:
    """Where the law lets an agency close on days of its own (Texas, Gov't Code § 552.0031):
    the rules that say so, with the cap on designated days; else None."""
    optional = law.counting_rule("optional_holidays_if_observed")
    designated = law.counting_rule("designated_nonbusiness_days")
    if optional is None and designated is None:
        return None
    return {"optional": optional, "designated": designated, "limit": (designated or {}).get("days") or 0}


def legal_receipt(law: PublicRecordsLaw, *, sent_on: date, via: str, calendar: BusinessCalendar) -> Receipt:
    """The day the law treats the request as received. Michigan: a request sent by email or
    through a portal is received one business day after it is sent (MCL 15.235(1));
    elsewhere, the day it was sent or delivered, as entered."""
    rule = law.counting_rule(EMAIL_RECEIPT)
    if rule is None or via not in ELECTRONIC:
        return _closed_day_receipt(law, sent_on, calendar)
    received, _ = engine.add_business_days(sent_on, rule.get("days") or 1, calendar)
    section = f" ({rule['section']})" if rule.get("section") else ""
    return Receipt(received, f"{ELECTRONIC[via]} on {engine.long_date(sent_on)}; under the {law.name}{section} a "
                             f"request sent electronically is received {rule.get('days') or 1} business day later, "
                             f"on {engine.long_date(received)}.")


def _closed_day_receipt(law: PublicRecordsLaw, arrived: date, calendar: BusinessCalendar) -> Receipt:
    """Where the law says so, a request arriving on a closed day is received on the next
    business day."""
    rule = law.counting_rule(CLOSED_DAY_RECEIPT)
    why = calendar.closed_because(arrived)
    if rule is None or why is None:
        return Receipt(arrived)
    received, _ = engine.next_business_day(arrived, calendar)
    section = f" ({rule['section']})" if rule.get("section") else ""
    return Receipt(received, f"Arrived {engine.long_date(arrived)} ({why}); under the {law.name}{section} it is "
                             f"received on the next business day, {engine.long_date(received)}.")


def runs_from_acknowledgment(law: PublicRecordsLaw) -> bool:
    response = law.response_deadline
    return response is not None and response.starts_from == StatutoryDeadline.Start.ACKNOWLEDGMENT


def response_due(law: PublicRecordsLaw, *, received_on: date, acknowledged_on: date | None,
                 calendar: BusinessCalendar) -> engine.Result:
    """The response deadline. Where the law counts it from the acknowledgment (New York,
    Pub. Off. Law § 89(3)(a)), from the day the acknowledgment came, or until it comes from
    the day it is due."""
    rule = rule_for(law)
    if not runs_from_acknowledgment(law):
        return engine.due_date(rule, received_on, calendar)
    if acknowledged_on is not None:
        return engine.due_date(rule, acknowledged_on, calendar, start_label="Acknowledged")
    acknowledgment = rule_for(law, StatutoryDeadline.Kind.ACKNOWLEDGMENT)
    if acknowledgment is None or not acknowledgment.fixed:
        return engine.due_date(rule, received_on, calendar)
    ack = engine.due_date(acknowledgment, received_on, calendar, what="an acknowledgment")
    projected = engine.due_date(rule, ack.due, calendar, start_label="Acknowledgment due")
    note = (f"{ack.explanation} The response clock runs from the acknowledgment; until one is recorded it is "
            f"counted from the day the acknowledgment is due. {projected.explanation}")
    return engine.Result(projected.due, note, ack.skipped + projected.skipped)


def clock_notes(law: PublicRecordsLaw, calendar: BusinessCalendar, *, around: date) -> str:
    """What an explanation must add to the arithmetic: who must receive the request, the
    agency's own closed days, whether the deadline and the year's calendar are verified, how
    a request arriving on a closed day counts, and that a city or county may keep its own
    calendar. (The law's other notes on counting are on its page.)"""
    notes = [rule["text"] for rule in law.counting if rule.get("rule") == "received_by_officer"]
    if calendar.agency_closed:
        days = ", ".join(f"{engine.long_date(d)} ({why})" for d, why in sorted(calendar.agency_closed.items()))
        notes.append(f"The agency's own closed days are not counted: {days}.")
    response = law.response_deadline
    if response is not None and not response.verified:
        notes.append("This deadline is unverified: check it against the statute before relying on it.")
    if not calendar.reviewed(around.year):
        notes.append(f"The closed days of {around.year} have not been reviewed; they are projected from the "
                     f"holidays of earlier years (unverified).")
    if law.receipt_note and not law.counting_rule(EMAIL_RECEIPT):
        notes.append(law.receipt_note)  # Michigan's is already told by legal_receipt
    if law.local_calendar_note:
        notes.append(law.local_calendar_note)
    return " ".join(notes)


@dataclass(frozen=True)
class StatutoryDates:
    """When a request counts as received, and when its acknowledgment and response are due."""

    receipt: Receipt
    response: engine.Result
    acknowledgment: engine.Result | None


def statutory_dates(law: PublicRecordsLaw, *, sent_on: date, via: str, calendar: BusinessCalendar,
                    acknowledged_on: date | None = None) -> StatutoryDates:
    """The dates a request sent on ``sent_on`` by ``via`` ("email", "portal", "mail") sets
    running under ``law``: what the clock stores and what the due-date cases check."""
    receipt = legal_receipt(law, sent_on=sent_on, via=via, calendar=calendar)
    response = response_due(law, received_on=receipt.on, acknowledged_on=acknowledged_on, calendar=calendar)
    rule = rule_for(law, StatutoryDeadline.Kind.ACKNOWLEDGMENT)
    acknowledgment = engine.due_date(rule, receipt.on, calendar, what="an acknowledgment") if rule else None
    return StatutoryDates(receipt, response, acknowledgment)
