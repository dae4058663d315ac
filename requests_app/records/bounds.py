"""The bounds of values people and scripts type: ids, dates and amounts of money.

A value outside them is refused with a message before it reaches a query or a service.
Past them the database fails rather than answering: an id beyond 64 bits overflows the
driver, and a date in year 8409 goes into deadline arithmetic and letters unnoticed.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

# Every table's key is a BigAutoField (settings.DEFAULT_AUTO_FIELD): a signed 64-bit integer.
MAX_ID = 2**63 - 1

# Records asked for, events logged and deadlines fall within two centuries of today; a year
# such as 0004 or 8409 is a typo. 1900 reaches back past any public-records law in force
# (the federal FOIA dates from 1966) while still allowing old archives; 2200 leaves the
# deadline engine centuries of room before date.max, and the holiday calendars stay real.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


def parse_id(value: str) -> int | None:
    """The id written in ``value`` (ASCII digits, 1 to MAX_ID), or None."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def date_in_range(value: date) -> None:
    """A validator for a typed date (forms, serializers): between EARLIEST and LATEST."""
    if not EARLIEST <= value <= LATEST:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


DATE_RANGE_MESSAGE = (f"Give a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}, "
                      f"such as 2026-12-31.")
