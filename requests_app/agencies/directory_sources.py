"""The rows of the three bundled files as records, cleaned: pure functions, no database.

Names are read with the rules in ``directory.py``. FBI roster names are made unique within
each state here, because the directory allows one agency per name and jurisdiction.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from requests_app.agencies.directory import (
    FEDERAL,
    DropReason,
    clean_flock_name,
    count_or_none,
    drop_reason,
    expand_name,
    fbi_kind,
    flock_kind,
    strip_state,
    tidy,
    title_place,
    without_brackets,
)
from requests_app.agencies.models import name_key
from requests_app.agencies.states import STATE_NAMES
from requests_app.agencies.validation import VENDOR_ALIASES

# FBI roster ---------------------------------------------------------------------------

_AGENCY_WORDS = re.compile(
    r"police|sheriff|department|office|patrol|universit|college|school|district|marshal|constable|agency"
    r"|bureau|commission|authority|division|service|court|attorney|prosecutor|park|center|academy|hospital"
    r"|unit|force|airport|institute|tribal|tribe|nation|band|rancheria|security|board|correction|county"
    r"|railway|railroad|transportation|harbor|port|squad|fair|congress|control|wildlife|troopers|:",
    re.I,
)
_NAMED_COUNTY = re.compile(r",\s*[A-Za-z .'-]+? (?:County|Parish)\b,?")
_CITY_SUFFIX = re.compile(r"\s+(?:police department|department of public safety|public safety department)$", re.I)


@dataclass(frozen=True)
class FbiAgency:
    ori: str
    name: str  # unique within its state (see fbi_agencies)
    raw_name: str
    state: str
    kind: str
    county: str  # "Lee", "Dallam, Hartley"; "" when not given
    city: str  # for a city's police department, the city
    agency_type: str

    @property
    def first_county(self) -> str:
        return self.county.split(",")[0].strip()

    @property
    def is_place_name(self) -> bool:
        """The roster names some agencies by their town alone ("Fortville", "South Fulton")."""
        return self.agency_type in ("NA", "City", "Unknown") and not _AGENCY_WORDS.search(self.name)

    @property
    def bare_name(self) -> str:
        """The roster's name without the county it names: "Washington Township, Gloucester County
        Police Department" -> "Washington Township Police Department"."""
        return tidy(_NAMED_COUNTY.sub(" ", self.raw_name.rstrip(":"))) or self.name


def fbi_agencies(rows: Iterable[dict[str, str]]) -> list[FbiAgency]:
    """Roster rows as agencies, names made unique within each state (see disambiguate)."""
    agencies = [_fbi_agency(row) for row in rows]
    return disambiguate(agencies)


def _fbi_agency(row: dict[str, str]) -> FbiAgency:
    raw = tidy(row["agency_name"])
    name = raw.rstrip(":").strip() or raw
    county = "" if row["county"].strip().upper() in ("", "NOT SPECIFIED", "NA") else title_place(row["county"])
    bare = tidy(_NAMED_COUNTY.sub(" ", name))
    city = _CITY_SUFFIX.sub("", bare) if row["agency_type"] == "City" and _CITY_SUFFIX.search(bare) else ""
    return FbiAgency(
        ori=row["ori"].strip().upper(), name=name, raw_name=raw, state=row["state_abbr"].strip().upper(),
        kind=fbi_kind(row["agency_type"], name), county=county, city=city, agency_type=row["agency_type"],
    )


def disambiguate(agencies: list[FbiAgency]) -> list[FbiAgency]:
    """Same-named agencies of one state get their county, then their ORI, in brackets.

    The roster has, for example, 147 California rows named "Highway Patrol:"; the
    directory allows one agency per name and state. The roster's own name stays as an alias.
    """
    for label in (_county_label, _ori_label):
        counts = Counter((a.state, name_key(a.name)) for a in agencies)
        agencies = [
            _renamed(a, label(a)) if counts[(a.state, name_key(a.name))] > 1 else a for a in agencies
        ]
    return agencies


def _county_label(agency: FbiAgency) -> str:
    if not agency.first_county:
        return ""
    word = "Parish" if agency.state == "LA" else "County"
    return f"{agency.first_county} {word}"


def _ori_label(agency: FbiAgency) -> str:
    return f"ORI {agency.ori}"


def _renamed(agency: FbiAgency, label: str) -> FbiAgency:
    if not label or label in agency.name:
        return agency
    if agency.name.endswith(")"):
        name = f"{agency.name[:-1]}, {label})"
    else:
        name = f"{agency.name} ({label})"
    return replace(agency, name=name)


# Flock network ------------------------------------------------------------------------


@dataclass(frozen=True)
class FlockAgency:
    flock_id: str
    raw_name: str
    name: str
    bare_name: str
    hint: str
    state: str  # of the agency's location; a federal agency's jurisdiction is still "US"
    state_from_name: bool
    federal: bool
    kind: str
    city: str
    county: str  # without the word "County"
    portal_url: str
    population: int | None
    cameras: int | None
    searches_30d: int | None
    vehicles_30d: int | None
    hotlist_hits_30d: int | None
    aliases: tuple[str, ...]

    @property
    def jurisdiction(self) -> str:
        return FEDERAL if self.federal else self.state

    @property
    def has_figures(self) -> bool:
        return any(v is not None for v in (self.cameras, self.searches_30d, self.vehicles_30d, self.hotlist_hits_30d))


@dataclass(frozen=True)
class DroppedRow:
    flock_id: str
    raw_name: str
    reason: str


def flock_agencies(rows: Iterable[dict[str, str]]) -> tuple[list[FlockAgency], list[DroppedRow]]:
    kept: list[FlockAgency] = []
    dropped: list[DroppedRow] = []
    for row in rows:
        result = flock_agency(row)
        (dropped if isinstance(result, DroppedRow) else kept).append(result)
    return kept, dropped


def flock_agency(row: dict[str, str]) -> FlockAgency | DroppedRow:
    raw = tidy(row["name"])
    reason = drop_reason(raw_name=raw, is_junk=_true(row["is_junk"]), is_inactive=_true(row["is_inactive"]))
    given_state = row["state"].strip().upper()
    clean = clean_flock_name(raw, given_state if given_state in STATE_NAMES else "")
    if reason is None and clean.state not in STATE_NAMES:
        reason = DropReason.NO_STATE
    if reason:
        return DroppedRow(flock_id=row["id"], raw_name=raw, reason=reason)
    city, county = _flock_place(row, clean.state)
    aliases = [tidy(a) for a in row["aliases"].split("|")] if row["aliases"] else []
    return FlockAgency(
        flock_id=row["id"].strip(), raw_name=raw, name=clean.name, bare_name=clean.bare, hint=clean.hint,
        state=clean.state, state_from_name=not given_state, federal=clean.federal or row["type"] == "federal",
        kind=flock_kind(row["type"], clean.name, raw), city=city, county=county,
        portal_url=row["portal_url"].strip() if _true(row["is_portal"]) else "",
        population=count_or_none(row["population"]), cameras=count_or_none(row["cameras"]),
        searches_30d=count_or_none(row["searches_30d"]), vehicles_30d=count_or_none(row["vehicles_30d"]),
        hotlist_hits_30d=count_or_none(row["hotlist_hits_30d"]),
        aliases=tuple(dict.fromkeys(a for a in [raw, *aliases] if a)),
    )


def _true(value: str) -> bool:
    return value.strip().casefold() in ("true", "1", "yes")


def _flock_place(row: dict[str, str], state: str) -> tuple[str, str]:
    """(city, county) from the city_or_county column, which holds a place only for pd and so rows."""
    place = without_brackets(expand_name(strip_state(tidy(row["city_or_county"]), state)))
    if not place or row["type"] not in ("pd", "so") or re.search(r"\d|'|\b(?:university|college|district)\b", place, re.I):
        return "", ""
    county = re.fullmatch(r"(.+?) (?:County|Parish)", place)
    if county:
        return "", county.group(1)
    # A sheriff's place is its county, named or not: "Coconino AZ SO", "Carson City NV SO".
    return (place, "") if row["type"] == "pd" else ("", place)


# NC survey ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyRow:
    survey_id: str
    raw_name: str
    name: str
    bare_name: str
    kind: str
    city: str
    county: str
    vendor: str  # "" when the survey does not know it
    url: str
    detail: str


def nc_survey_rows(rows: Iterable[dict[str, str]]) -> list[SurveyRow]:
    return [_survey_row(row) for row in rows]


def _survey_row(row: dict[str, str]) -> SurveyRow:
    raw = tidy(row["name"])
    clean = clean_flock_name(raw, "NC")
    company = tidy(row["company"])
    vendor = "" if company.casefold() in ("", "unknown", "na") else VENDOR_ALIASES.get(company.casefold(), company)
    portal = _na(row["flock_portal_url"])
    return SurveyRow(
        survey_id=row["id"].strip(), raw_name=raw, name=clean.name, bare_name=clean.bare,
        kind=flock_kind({"PD": "pd", "SO": "so"}.get(row["type"], "other"), clean.name, raw),
        city=tidy(row["city"]), county=tidy(row["county"].split(",")[0]), vendor=vendor,
        url=_na(row["document_url"]) or portal, detail=_survey_detail(row, portal),
    )


def _survey_detail(row: dict[str, str], portal: str) -> str:
    parts = [f"The News & Observer's 2024 survey of North Carolina agencies: {tidy(row['notes'])}."]
    if _na(row["cams_confirmed"]):
        parts.append(f"Cameras confirmed: {row['cams_confirmed'].strip()}.")
    if portal:
        parts.append(f"Transparency portal: {portal}")
    return " ".join(parts).replace("..", ".")


def _na(value: str) -> str:
    value = value.strip()
    return "" if value.casefold() in ("", "na", "n/a", "unknown") else value
