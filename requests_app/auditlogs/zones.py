"""The zone a time without one is read in: the agency's local time unless the file says otherwise.

Releases print times three ways: with a zone (Flock's network audits end in "UTC"), with an
offset (ISO 8601 "+00:00", "Z"), or bare ("2025-06-18 00:02:04.789", Excel dates), which an
agency's own system writes in its local time. A bare time is read in the zone of the
agency's state, or in a zone the user names.

The rule of the table: one IANA zone per state, the one most of its people live in. Of the
states split between zones, Texas, Kansas, Nebraska, the Dakotas and Tennessee are Central;
Florida, Indiana (America/Indiana/Indianapolis), Kentucky and Michigan (America/Detroit) are
Eastern; Idaho is Mountain (America/Boise); Oregon and Nevada are Pacific; Alaska is
America/Anchorage; Arizona keeps standard time all year (America/Phoenix). A federal agency,
or none, has no state: its bare times are read as UTC, and that is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from requests_app.agencies.states import STATE_NAMES
from requests_app.records.models import RecordsRequest

UTC = "UTC"
EXAMPLE = "America/Chicago"
_NOT_ZONES = {"localtime", "posixrules", "Factory"}  # files of the zone database, not places

STATE_ZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
    "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
    "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
    "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
    "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
    "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
    "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
    "SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
    "UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    # Territories.
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam", "MP": "Pacific/Saipan",
    "AS": "Pacific/Pago_Pago",
}
TERRITORY_NAMES = {"PR": "Puerto Rico", "VI": "the U.S. Virgin Islands", "GU": "Guam",
                   "MP": "the Northern Mariana Islands", "AS": "American Samoa"}


@dataclass(frozen=True)
class LocalZone:
    """A zone bare times are read in, and why that one (shown to whoever reads the figures)."""

    name: str
    why: str  # "Oregon's zone", "chosen", "no state given"

    def explain(self, change: str = "--tz to change") -> str:
        return f"times without a zone read as {self.name} ({self.why}; {change})"


def check_zone(name: str) -> str:
    """The IANA zone name, as given; ValueError naming it when there is no such zone."""
    name = name.strip()
    try:
        # Only names of the zone database: ZoneInfo alone would also open paths such as "../x".
        if name == UTC or (name in available_timezones() and name not in _NOT_ZONES):
            ZoneInfo(name)
            return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise ValueError(f"unknown time zone {name!r}: give an IANA zone name such as {EXAMPLE} or UTC")


def state_zone(state: str | None) -> LocalZone:
    """The zone of a state (its code), or UTC, said, for none or a code with no zone (federal: "US")."""
    code = (state or "").upper()
    if code in STATE_ZONES:
        return LocalZone(STATE_ZONES[code], f"{_state_name(code)}'s zone")
    return LocalZone(UTC, "no state, so UTC" if not code or code == "US" else f"no zone known for {code}, so UTC")


def request_zone(request: RecordsRequest) -> LocalZone:
    """Where the agency's own system wrote its times: the zone of its state (UTC for a
    federal agency), the default for times without a zone."""
    return state_zone(request.agency.jurisdiction.state_code)


def chosen_zone(name: str | None, state: str | None) -> LocalZone:
    """The zone a user named (checked), else the state's."""
    if name:
        return LocalZone(check_zone(name), "chosen")
    return state_zone(state)


def _state_name(code: str) -> str:
    return STATE_NAMES.get(code) or TERRITORY_NAMES[code]


def gap_reason(wall: str, zone: str) -> str:
    return f"{wall} does not exist in {zone} (the clocks skipped that hour when they went forward)"


def to_utc(wall: datetime, zone: str) -> datetime:
    """A clock time without a zone, read in ``zone``, as UTC. A time that came twice (the hour
    when clocks go back) is the first of the two; one that never came (the hour they skip)
    raises ValueError: no instant of it can be right."""
    if zone == UTC:
        return wall.replace(tzinfo=timezone.utc)
    local = ZoneInfo(zone)
    moment = wall.replace(tzinfo=local, fold=0).astimezone(timezone.utc)
    if moment.astimezone(local).replace(tzinfo=None) != wall:
        raise ValueError(gap_reason(f"{wall:%Y-%m-%d %H:%M:%S}", zone))
    return moment
