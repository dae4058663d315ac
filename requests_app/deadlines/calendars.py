"""Which days count as business days in a jurisdiction.

Weekends and the jurisdiction's legal holidays are skipped: federal holidays for "US",
and each state's own holidays (the `holidays` package, with the state as subdivision),
which include the federal ones the state observes.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays

# Days the `holidays` package lists as state holidays on which state offices stay open,
# so they are business days for a records clock. Texas: Cesar Chavez Day and Good Friday
# are optional holidays (Gov't Code § 662.003(c)), which the Public Information Act's
# definition of "business day" (§ 552.0031) does not exclude.
NOT_CLOSURES: dict[str, frozenset[str]] = {
    "TX": frozenset({"Cesar Chavez Day", "Good Friday"}),
}
_WEEKEND = {5: "weekend", 6: "weekend"}


@lru_cache(maxsize=512)
def _holidays(code: str, year: int) -> dict[date, str]:
    subdivision = None if code == "US" else code
    listed = holidays.country_holidays("US", subdiv=subdivision, years=year)
    kept: dict[date, str] = {}
    for day, names in listed.items():
        names = [n for n in names.split("; ") if n not in NOT_CLOSURES.get(code, ())]
        if names:
            kept[day] = "; ".join(names)
    return kept


class BusinessCalendar:
    """Business days of one jurisdiction ("US" or a state code such as "TX")."""

    def __init__(self, code: str) -> None:
        self.code = code

    def holiday(self, day: date) -> str | None:
        return _holidays(self.code, day.year).get(day)

    def closed_because(self, day: date) -> str | None:
        """Why ``day`` is not a business day ("weekend" or a holiday's name), or None."""
        return _WEEKEND.get(day.weekday()) or self.holiday(day)

    def is_business_day(self, day: date) -> bool:
        return self.closed_because(day) is None
