"""Which days count as business days in a jurisdiction.

Weekends and the days the jurisdiction's offices are closed are skipped. The closed days of
2025 to 2027 are the reviewed lists in the law data files (``laws/data/jurisdictions``), each
from the state's statute and official calendar, with every difference from the ``holidays``
package written down with its reason. For a year the files do not cover, the package's
draft is used with the same corrections where they name the day, and the calendar says
that year is unreviewed.

An agency may close on more days than its state: Texas lets the officer for public
information observe optional holidays and designate up to 10 non-business days a year
(Gov't Code § 552.0031). Those come in as ``agency_closed``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from requests_app.laws.holiday_drafts import package_days

DATA_DIR = Path(__file__).resolve().parent.parent / "laws" / "data" / "jurisdictions"
_WEEKEND = {5: "weekend", 6: "weekend"}


@lru_cache(maxsize=64)
def _file(code: str) -> dict:
    path = DATA_DIR / f"{code}.json"
    if not path.exists():
        return {"holidays": {"years": {}, "corrections": []}, "counting": []}
    return json.loads(path.read_text(encoding="utf-8"))


def _holiday_data(code: str) -> dict:
    return _file(code)["holidays"]


def _counts_federal_holidays(code: str) -> bool:
    """Kansas: a day Congress designates a holiday is no business day (K.S.A. 45-217(a))."""
    return code != "US" and any(r.get("rule") == "federal_holidays_excluded" for r in _file(code)["counting"])


def reviewed_years(code: str) -> frozenset[int]:
    return frozenset(int(year) for year in _holiday_data(code)["years"])


@lru_cache(maxsize=512)
def closed_days(code: str, year: int) -> Mapping[date, str]:
    """{day: name} of the days ``code``'s offices are closed in ``year``."""
    data = _holiday_data(code)
    listed = data["years"].get(str(year))
    if listed is not None:
        pairs = [(date.fromisoformat(day), name) for day, name in listed["dates"]]
    else:
        pairs = _projected(code, year, data["corrections"])
    if _counts_federal_holidays(code):
        pairs += [(day, f"{name} (federal)") for day, name in closed_days("US", year).items() if day not in dict(pairs)]
    days: dict[date, str] = {}
    for day, name in sorted(pairs):
        days[day] = f"{days[day]}; {name}" if day in days else name
    return MappingProxyType(days)


def _projected(code: str, year: int, corrections: list[dict]) -> list[tuple[date, str]]:
    """The package's draft for an unreviewed year, without the days the reviewed years
    removed by name (Susan B. Anthony Day stays an open day in every year)."""
    removed = {_base(c["name"]) for c in corrections if c["change"] == "removed"}
    added = {_base(c["name"]) for c in corrections if c["change"] == "added"}
    return [(day, name) for day, name in package_days(code, year) if _base(name) not in removed - added]


def _base(name: str) -> str:
    """A holiday's name without "(observed)", so a correction of the day covers its stand-in."""
    return name.replace(" (observed)", "").strip()


class BusinessCalendar:
    """Business days of one jurisdiction ("US" or a state code such as "TX"), with the
    agency's own closed days, if any."""

    def __init__(self, code: str, agency_closed: Mapping[date, str] | None = None) -> None:
        self.code = code
        self.agency_closed = dict(agency_closed or {})

    def holiday(self, day: date) -> str | None:
        return self.agency_closed.get(day) or closed_days(self.code, day.year).get(day)

    def closed_because(self, day: date) -> str | None:
        """Why ``day`` is not a business day ("weekend" or a holiday's name), or None."""
        return _WEEKEND.get(day.weekday()) or self.holiday(day)

    def is_business_day(self, day: date) -> bool:
        return self.closed_because(day) is None

    def reviewed(self, year: int) -> bool:
        return year in reviewed_years(self.code)
