"""Statutory deadline arithmetic: rules and dates in, dates and an explanation out.

Pure functions: no database, no clock. The caller passes the rule, the dates and the
jurisdiction's BusinessCalendar, and gets back the date with a plain-language account of
how it was reached, naming every day that was not counted and why.

Conventions (see DESIGN.md, "Public-records law facts"):
- the day of receipt is day 0;
- business days skip weekends and the jurisdiction's legal holidays;
- a calendar-day deadline that lands on a weekend or holiday moves to the next business day;
- a law with no fixed deadline has no due date, but a follow-up schedule still applies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from requests_app.deadlines.calendars import BusinessCalendar

BUSINESS = "business"
CALENDAR = "calendar"
NONE = "none"
FOLLOW_UP_INTERVAL = 10  # business days between follow-ups when nothing comes back


@dataclass(frozen=True)
class Rule:
    """One statutory clock: a number of business or calendar days, or none."""

    days: int | None
    day_type: str
    law: str = ""
    citation: str = ""

    @property
    def fixed(self) -> bool:
        return self.day_type != NONE and bool(self.days)

    def terms(self) -> str:
        unit = "business" if self.day_type == BUSINESS else "calendar"
        return f"{self.days} {unit} day{'s' if self.days != 1 else ''}"


@dataclass(frozen=True)
class Skipped:
    day: date
    reason: str


@dataclass(frozen=True)
class Result:
    """A computed date (None where the law sets none) and how it was reached."""

    due: date | None
    explanation: str
    skipped: tuple[Skipped, ...] = field(default=())


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


# Counting ---------------------------------------------------------------------------


def add_business_days(start: date, days: int, calendar: BusinessCalendar) -> tuple[date, list[Skipped]]:
    """The ``days``-th business day after ``start`` (day 0), and the days passed over."""
    day, counted, skipped = start, 0, []
    while counted < days:
        day += timedelta(days=1)
        reason = calendar.closed_because(day)
        if reason:
            skipped.append(Skipped(day, reason))
        else:
            counted += 1
    return day, skipped


def next_business_day(day: date, calendar: BusinessCalendar) -> tuple[date, list[Skipped]]:
    """``day`` itself if it is a business day, else the next one, and the days passed over."""
    skipped = []
    while (reason := calendar.closed_because(day)) is not None:
        skipped.append(Skipped(day, reason))
        day += timedelta(days=1)
    return day, skipped


def business_days_between(start: date, end: date, calendar: BusinessCalendar) -> int:
    """Business days after ``start`` up to and including ``end`` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += calendar.is_business_day(day)
    return count


def count(rule: Rule, start: date, calendar: BusinessCalendar) -> tuple[date, list[Skipped]]:
    """``rule.days`` counted from ``start`` (day 0), landing on a business day."""
    if rule.day_type == BUSINESS:
        return add_business_days(start, rule.days, calendar)
    return next_business_day(start + timedelta(days=rule.days), calendar)


# Deadlines --------------------------------------------------------------------------


def due_date(rule: Rule, start: date, calendar: BusinessCalendar, *, what: str = "a response",
             start_label: str = "Received") -> Result:
    """When ``what`` is due under ``rule``, counting from ``start``."""
    opening = f"{start_label} {long_date(start)} (day 0)."
    if not rule.fixed:
        return Result(None, f"{opening} {_law(rule)} sets no fixed number of days for {what}.")
    due, skipped = count(rule, start, calendar)
    return Result(due, _explain(opening, rule, what, start, due, skipped), tuple(skipped))


def extended_due(rule: Rule, original_due: date, calendar: BusinessCalendar, *, agency_date: date | None = None) -> Result:
    """The due date after an extension: the date the agency named, or the statutory
    extension counted from the original due date."""
    if agency_date is not None:
        due, skipped = next_business_day(agency_date, calendar)
        text = f"The agency extended the deadline from {long_date(original_due)} to {long_date(agency_date)}."
        if skipped:
            text += f" That is not a business day ({_list(skipped)}), so it falls on {long_date(due)}."
        return Result(due, text, tuple(skipped))
    if not rule.fixed:
        return Result(original_due, f"{_law(rule)} sets no fixed extension; the due date stays {long_date(original_due)}.")
    return due_date(rule, original_due, calendar, what="the extended response", start_label="Original due date")


def remaining_days(day_type: str, due: date, paused_on: date, calendar: BusinessCalendar) -> int:
    """Days left on the clock when it stops on ``paused_on``."""
    if day_type == BUSINESS:
        return business_days_between(paused_on, due, calendar)
    return max((due - paused_on).days, 0)


def resumed_due(day_type: str, remaining: int, paused_on: date, resumed_on: date, calendar: BusinessCalendar) -> Result:
    """The due date once a paused clock restarts with the days it had left."""
    rule = Rule(remaining, day_type if day_type != NONE else CALENDAR)
    opening = (f"The clock stopped on {long_date(paused_on)} with {rule.terms()} left "
               f"and restarted on {long_date(resumed_on)} (day 0).")
    if remaining == 0:
        due, skipped = next_business_day(resumed_on, calendar)
        return Result(due, f"{opening} No days were left, so the response is due {long_date(due)}.", tuple(skipped))
    due, skipped = count(rule, resumed_on, calendar)
    text = f"{opening} Counting the remaining {rule.terms()}"
    text += f", not counting {_list(skipped)}" if skipped else ""
    return Result(due, f"{text}. Due {long_date(due)}.", tuple(skipped))


def appeal_deadline(rule: Rule | None, denied_on: date, calendar: BusinessCalendar) -> Result:
    if rule is None or not rule.fixed:
        return Result(None, f"Denied {long_date(denied_on)}. The law sets no deadline for an appeal.")
    return due_date(rule, denied_on, calendar, what="an appeal", start_label="Denied")


def follow_up_date(*, received: date, due: date | None, last_follow_up: date | None,
                   calendar: BusinessCalendar, interval: int = FOLLOW_UP_INTERVAL) -> Result:
    """When to chase the agency next: the business day after the due date, then every
    ``interval`` business days; without a due date, ``interval`` business days after
    receipt or after the last follow-up."""
    if last_follow_up is not None:
        day, skipped = add_business_days(last_follow_up, interval, calendar)
        why = f"{interval} business days after the last follow-up on {long_date(last_follow_up)}"
    elif due is not None:
        day, skipped = add_business_days(due, 1, calendar)
        why = f"the business day after the due date, {long_date(due)}"
    else:
        day, skipped = add_business_days(received, interval, calendar)
        why = f"{interval} business days after receipt on {long_date(received)}, as the law sets no fixed deadline"
    return Result(day, f"Follow up on {long_date(day)}: {why}.", tuple(skipped))


# Wording ----------------------------------------------------------------------------


def _law(rule: Rule) -> str:
    if rule.law and rule.citation:
        return f"The {rule.law} ({rule.citation})"
    return f"The {rule.law}" if rule.law else "The law"


def _explain(opening: str, rule: Rule, what: str, start: date, due: date, skipped: list[Skipped]) -> str:
    text = f"{opening} {_law(rule)} allows {rule.terms()} for {what}."
    if rule.day_type == BUSINESS:
        if skipped:
            text += f" Not counted: {_list(skipped)}."
    else:
        end = start + timedelta(days=rule.days)
        if skipped:
            text += (f" {rule.days} days after receipt is {long_date(end)}, which is not a business day "
                     f"({_list(skipped)}), so the deadline moves to the next business day.")
    return f"{text} Due {long_date(due)}."


def _list(skipped: list[Skipped] | tuple[Skipped, ...]) -> str:
    return ", ".join(f"{long_date(s.day)} ({s.reason})" for s in skipped)
