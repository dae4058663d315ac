"""The deadline engine against dates worked out by hand.

Received Wednesday 25 November 2026, the day before Thanksgiving. The due dates of every
jurisdiction, worked from each statute and official calendar, are in
tests/laws/due_date_cases; these tests check the engine's arithmetic and wording.
"""

from __future__ import annotations

from datetime import date

import pytest

from requests_app.deadlines.calendars import BusinessCalendar
from requests_app.deadlines.engine import (
    Rule,
    appeal_deadline,
    due_date,
    extended_due,
    follow_up_date,
    remaining_days,
    resumed_due,
)

RECEIVED = date(2026, 11, 25)
D = date

TEXAS = Rule(10, "business", "Texas Public Information Act", "Tex. Gov't Code ch. 552")
TX = BusinessCalendar("TX")


def test_texas_counts_thanksgiving_and_the_day_after_and_says_so():
    result = due_date(TEXAS, RECEIVED, TX)
    assert result.due == D(2026, 12, 11)
    assert "Thursday 26 November 2026 (Thanksgiving Day)" in result.explanation
    assert "Friday 27 November 2026 (Friday After Thanksgiving)" in result.explanation
    assert "Saturday 28 November 2026 (weekend)" in result.explanation
    assert result.explanation.endswith("Due Friday 11 December 2026.")


def test_texas_optional_holidays_are_business_days():
    assert TX.is_business_day(D(2026, 3, 31))  # Cesar Chavez Day
    assert TX.is_business_day(D(2026, 4, 3))  # Good Friday
    assert not TX.is_business_day(D(2026, 3, 2))  # Texas Independence Day


def test_federal_days_skip_only_federal_holidays():
    us = BusinessCalendar("US")
    assert not us.is_business_day(D(2026, 10, 12))  # Columbus Day
    assert us.is_business_day(D(2026, 11, 27))


def test_a_calendar_deadline_on_a_saturday_moves_to_monday():
    result = due_date(Rule(10, "calendar", "California Public Records Act"), RECEIVED, BusinessCalendar("CA"))
    assert result.due == D(2026, 12, 7)
    assert "10 days after receipt is Saturday 5 December 2026, which is not a business day" in result.explanation


def test_a_calendar_deadline_on_christmas_moves_past_the_weekend():
    assert due_date(Rule(30, "calendar"), RECEIVED, BusinessCalendar("MD")).due == D(2026, 12, 28)


def test_a_receipt_on_a_weekend_counts_from_that_day():
    assert due_date(Rule(1, "business"), D(2026, 11, 28), TX).due == D(2026, 11, 30)


def test_a_paused_clock_resumes_with_the_days_it_had_left():
    due = due_date(TEXAS, RECEIVED, TX).due
    left = remaining_days("business", due, D(2026, 12, 2), TX)
    assert left == 7  # 3, 4, 7, 8, 9, 10 and 11 December
    result = resumed_due("business", left, D(2026, 12, 2), D(2026, 12, 21), TX)
    # 22, 23, (24-27 closed), 28, 29, 30, 31, (1-3 January closed), 4 January
    assert result.due == D(2027, 1, 4)
    assert "with 7 business days left" in result.explanation
    assert "Thursday 24 December 2026 (Christmas Eve)" in result.explanation


def test_a_calendar_clock_keeps_its_calendar_days_across_a_pause():
    left = remaining_days("calendar", D(2026, 12, 7), D(2026, 12, 1), BusinessCalendar("CA"))
    assert left == 6
    assert resumed_due("calendar", left, D(2026, 12, 1), D(2026, 12, 10), BusinessCalendar("CA")).due == D(2026, 12, 16)


def test_a_clock_paused_after_its_due_date_resumes_due_at_once():
    assert remaining_days("business", D(2026, 12, 4), D(2026, 12, 8), TX) == 0
    assert resumed_due("business", 0, D(2026, 12, 8), D(2026, 12, 12), TX).due == D(2026, 12, 14)


def test_a_statutory_extension_counts_from_the_original_due_date():
    pennsylvania = BusinessCalendar("PA")
    original = due_date(Rule(5, "business"), RECEIVED, pennsylvania).due
    assert original == D(2026, 12, 4)
    # 30 calendar days after 4 December is Sunday 3 January 2027.
    assert extended_due(Rule(30, "calendar"), original, pennsylvania).due == D(2027, 1, 4)


def test_an_extension_to_a_date_the_agency_names_lands_on_a_business_day():
    result = extended_due(TEXAS, D(2026, 12, 11), TX, agency_date=D(2027, 1, 2))
    assert result.due == D(2027, 1, 4)
    assert "extended the deadline from Friday 11 December 2026 to Saturday 2 January 2027" in result.explanation


def test_the_federal_appeal_window_is_90_days():
    assert appeal_deadline(Rule(90, "calendar"), D(2026, 12, 1), BusinessCalendar("US")).due == D(2027, 3, 1)
    assert appeal_deadline(None, D(2026, 12, 1), TX).due is None


def test_follow_ups_come_the_day_after_the_due_date_then_every_ten_business_days():
    first = follow_up_date(received=RECEIVED, due=D(2026, 12, 11), last_follow_up=None, calendar=TX)
    assert first.due == D(2026, 12, 14)
    second = follow_up_date(received=RECEIVED, due=D(2026, 12, 11), last_follow_up=first.due, calendar=TX)
    assert second.due == D(2026, 12, 30)  # 15-18, 21-23, (24-27 closed), 28-30
