"""Reading and cleaning the bundled directory data: pure functions, no database.

Three sources (see ``data/directory/NOTICE.md``): the FBI Crime Data Explorer agency
roster, the organizations named in Flock Safety sharing lists, and The News & Observer's
survey of North Carolina ALPR vendors. Flock names are short and inconsistent ("Plymouth
PD IN", "TX - Groves PD", "Dekalb County SO (GA)"); :func:`clean_flock_name` turns them
into agency names ("Plymouth Police Department") and keeps the state apart, and the same
reading resolves names seen in audit logs. Each file's rows become records in
``directory_sources.py``; the join to the FBI roster is in ``directory_match.py`` and the
database writing in ``directory_load.py``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from requests_app.agencies.federal_names import is_tagged, without_tag
from requests_app.agencies.models import Agency
from requests_app.agencies.states import STATE_NAMES, state_codes, state_of

DATA_DIR = Path(__file__).parent / "data" / "directory"
FBI_FILE = DATA_DIR / "fbi_cde_agencies_2025-02.csv"
FLOCK_FILE = DATA_DIR / "flock_network_agencies_2026-04.csv"
NC_SURVEY_FILE = DATA_DIR / "nando_nc_alpr_vendor_survey_2024-04.csv"

# When each source was published; stored with the figures and the evidence taken from it.
FLOCK_AS_OF = date(2026, 4, 24)
NC_SURVEY_AS_OF = date(2024, 4, 30)

FLOCK_VENDOR = "Flock Safety"

FEDERAL = "US"


class DropReason:
    JUNK = "junk"
    INACTIVE = "inactive"
    INTERNAL = "internal"
    NO_STATE = "no_state"
    ALL = (JUNK, INACTIVE, INTERNAL, NO_STATE)


# Reading ------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def tidy(text: str) -> str:
    """One line, single spaces, typographic and stray control apostrophes made plain."""
    return " ".join(text.replace("\x19", "'").replace("\u2019", "'").split())


def count_or_none(value: str) -> int | None:
    """The Flock file writes 0 where a figure is unknown, so 0 and blanks become None."""
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


# Names ------------------------------------------------------------------------------

# (pattern, replacement); applied in order to a name with its state already removed.
_EXPANSIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), replacement)
    for pattern, replacement, flags in (
        (r"\bP\.?[Dd]\b\.?", "Police Department", 0),
        (r"\bCO\b(?=\)|\s+(?:SO|PD|Sheriff)\b)", "County", 0),
        (r"\bSO\b", "Sheriff's Office", 0),
        (r"(?<=\bCounty )SD\b", "Sheriff's Department", 0),
        (r"\bDPS\b", "Department of Public Safety", 0),
        (r"\bPSD\b", "Public Safety Department", 0),
        (r"\bSP\b", "State Police", 0),
        (r"\bDTF\b", "Drug Task Force", 0),
        (r"\bTF\b", "Task Force", 0),
        (r"\bDAs?'?s\b|\bDA\b(?= Office)", "District Attorney's", 0),
        (r"\bDA\b", "District Attorney", 0),
        (r"\bDept\b\.?", "Department", re.I),
        (r"\bPub\b\.?", "Public", re.I),
        (r"\bTwp\b\.?", "Township", re.I),
        (r"\bCo\b\.?(?!-)", "County", 0),
        (r"\bConst\b\.?", "Constable", re.I),
        (r"\bPct\b\.?", "Precinct", re.I),
        (r"\bUniv\b\.?", "University", re.I),
        (r"\bIntl\b\.?", "International", re.I),
        (r"\bSheriffs'? (Office|Department)\b", r"Sheriff's \1", re.I),
        (r"\bSheriff$", "Sheriff's Office", re.I),
        (r"\bMarshals? Office\b", "Marshal's Office", re.I),
        (r"\bMarshal$", "Marshal's Office", re.I),
    )
)
# Product and account labels Flock adds to names: "(Raven v1.2)", "- original".
_LABELS = re.compile(r"\s*\((?:raven|condor|flex|falcon|trailer)\b[^)]*\)|\s+-\s*original$", re.I)
_INACTIVE_MARK = re.compile(
    r"^\((?:inactive|revoked mou)\)\s*-?\s*|^(?:dnu|do not use|dont use|deactivated)\b\s*-?\s*"
    r"|\s*[\[(](?:inactive|deactivated?|dnu|do not use|not in use)[^\])]*[\])]"
    r"|\s*-?\s*\b(?:inactive|dnu)$|\s+-\s*old$",
    re.I,
)
_JUNK_MARK = re.compile(r"\b(?:duplicate|dupe|delete|made in error)\b|^(?:null|\d+)$", re.I)
_INACTIVE_WORDS = re.compile(r"\b(?:revoked|former|not in use|dead/old)\b", re.I)
# The vendor's own accounts: staff, sales, tests, demos and training organizations.
_INTERNAL = re.compile(
    r"^flock\b|\bflock (?:safety|training)\b|^(?:test|example|demo|sandbox)\b"
    r"|\b(?:test|demo)\b(?: \d+| org)?$|\btraining\b(?! (?:facility|center|academy))",
    re.I,
)
_PLACE_HINT = re.compile(r"\s*[(\[]([^()\[\]]+)[)\]]")
_STRAY_DASHES = re.compile(r"(?<=\w)-(?=\s)|\s+-\s*$|^\s*-\s+")


def drop_reason(*, raw_name: str, is_junk: bool, is_inactive: bool) -> str | None:
    """Why a Flock row is not an agency of the network, or None when it is one."""
    name = tidy(raw_name)
    if is_junk or _JUNK_MARK.search(name):
        return DropReason.JUNK
    if is_inactive or _INACTIVE_MARK.search(name) or _INACTIVE_WORDS.search(name):
        return DropReason.INACTIVE
    if is_internal(name):
        return DropReason.INTERNAL
    return None


def is_internal(name: str) -> bool:
    """True for the vendor's own staff, sales, test and training accounts."""
    return bool(_INTERNAL.search(tidy(name)))


def state_codes_in_name(name: str) -> list[str]:
    """The codes of the states the text places, likeliest first (see ``states.py``)."""
    return [code for code in state_codes(name) if code in STATE_NAMES]


def state_code_in_name(name: str) -> str:
    """The likeliest state code in the text, in capitals: "Eugene PD OR" -> "OR"."""
    codes = state_codes_in_name(name)
    return codes[0] if codes else ""


def state_in_name(name: str) -> str:
    """The state the text places: by its code, else by a state's name, even in a place's."""
    state = state_of(name, place_names=True) or ""
    return state if state in STATE_NAMES else ""


def _located_state(name: str, given: str) -> str:
    """The given state, unless it is only the name's first word and another state is named.

    "UT Health - Tyler (TX)" is filed under UT in the Flock data: "UT" there is the
    University of Texas, and the agency is in Texas.
    """
    named = state_in_name(name)
    if not given:
        return named
    if given == "CO" and re.search(r"\bCO (?:SO|PD|Sheriff)\b", name):
        # "Wagoner CO SO OK", filed under CO: there "CO" is "County".
        others = [c for c in state_codes_in_name(name) if c != "CO"]
        return others[0] if others else given
    if named and named != given and re.match(rf"{given} (?!-)", name) and given not in name[3:]:
        return named
    return given


def strip_state(name: str, state: str) -> str:
    """The name without its state code: "TX - Groves PD", "Eugene OR PD", "Derby PD - CT"."""
    if not state:
        return name
    code = re.escape(state)
    for pattern in (rf"^{code}\s*-\s*", rf"\s*-\s*{code}$", rf"\s*[(\[]{code}[)\]]"):
        stripped = re.sub(pattern, "", name, count=1)
        if stripped != name:
            return stripped.strip()
    name = re.sub(rf",\s*{code}\b", "", name)  # "Hamlet, NC NC PD"
    # A bare code, only in capitals ("Eugene OR PD", not "Oregon" or "Or"), the last one:
    # in "University of CA - Santa Barbara CA PD" the first "CA" is part of the name.
    bare = list(re.finditer(rf"(?<![A-Za-z'&])\s*{code}-?(?![A-Za-z'&])", name))
    if not bare:
        return name.strip()
    last = bare[-1]
    return (name[:last.start()] + name[last.end():]).strip(" ,") or name


def expand_name(name: str) -> str:
    """Spell out Flock's abbreviations: "Plymouth PD" -> "Plymouth Police Department"."""
    for pattern, replacement in _EXPANSIONS:
        name = pattern.sub(replacement, name)
    return tidy(_STRAY_DASHES.sub(" ", name))


def remove_labels(name: str) -> str:
    """Without status and product labels: "(INACTIVE) X", "X [Inactive]", "X (Raven v1.2)"."""
    name = _LABELS.sub("", tidy(name))
    previous = None
    while previous != name:
        previous, name = name, _INACTIVE_MARK.sub("", name).strip()
    return name


def without_brackets(text: str) -> str:
    """The text without bracketed parts: "Miami Township PD (Dayton)" -> "Miami Township PD"."""
    return tidy(_PLACE_HINT.sub(" ", text))


@dataclass(frozen=True)
class CleanName:
    name: str  # the agency's name, abbreviations spelled out, no state code
    state: str  # the state code given or found in the name; "" when none
    federal: bool
    hint: str  # a place in brackets, "(Morris County)" -> "Morris County", to tell agencies apart

    @property
    def bare(self) -> str:
        """The name without the bracketed place, for comparing with other sources."""
        return without_brackets(self.name) or self.name


def clean_flock_name(raw_name: str, state: str = "", *, find_state: bool = True) -> CleanName:
    """Flock's short name as an agency name: ("Eugene PD OR", "") -> Eugene Police Department, OR.

    Without a state given, the name's own state code or state name is used (unless find_state is False).
    """
    name = remove_labels(raw_name)
    federal = is_tagged(name)
    name = without_tag(name)
    state = _located_state(name, state.upper()) if state or find_state else ""
    name = strip_state(name, state)
    hints = [h for h in _PLACE_HINT.findall(name) if h.strip().upper() not in STATE_NAMES]
    name = expand_name(name)
    if federal and state and state != "DC":
        name = f"{name} ({state})"
    return CleanName(name=name, state=state, federal=federal, hint=tidy(hints[-1]) if hints else "")


@lru_cache(maxsize=8192)
def title_place(text: str) -> str:
    """FBI counties are in capitals: "ST LUCIE" -> "St Lucie", "MCLEAN" -> "McLean"."""
    words = []
    for word in tidy(text).lower().split(" "):
        word = "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
        if re.match(r"^(mc|o')[a-z]", word, re.I):
            word = word[:2].capitalize() + word[2:].capitalize()
        words.append(word)
    return " ".join(words)


# Kinds ------------------------------------------------------------------------------

_STATE_PATROL = re.compile(r"\b(?:state police|state patrol|highway patrol|state troopers?)\b", re.I)
_SHERIFF = re.compile(r"\bsheriff", re.I)
_POLICE = re.compile(r"\bpolice\b|\bpublic safety\b|(?<!fire )\bmarshal'?s?\b", re.I)
_STATE_DPS = re.compile(
    rf"^(?:{'|'.join(re.escape(s) for s in STATE_NAMES.values())}) department of public safety\b", re.I
)


def kind_from_name(name: str, *, default: str = Agency.Kind.OTHER, raw_name: str = "") -> str:
    """The kind a name says. State-patrol words are read in the raw name when given:
    "Middle Tennessee State PD" spells out to "... State Police Department" but is a campus force."""
    if _STATE_PATROL.search(raw_name or name) or _STATE_DPS.search(name):
        return Agency.Kind.STATE_PATROL
    if _SHERIFF.search(name):
        return Agency.Kind.SHERIFF
    if _POLICE.search(name):
        return Agency.Kind.POLICE
    return default


def flock_kind(flock_type: str, name: str, raw_name: str) -> str:
    """Flock's type column (pd, so, school, other, federal) read with the agency's name."""
    if flock_type == "federal":
        return Agency.Kind.FEDERAL
    if flock_type == "so":
        return Agency.Kind.SHERIFF
    default = Agency.Kind.POLICE if flock_type == "pd" else Agency.Kind.OTHER
    return kind_from_name(name, default=default, raw_name=raw_name)


def fbi_kind(agency_type: str, name: str) -> str:
    if agency_type == "State Police":
        return Agency.Kind.STATE_PATROL
    # The roster names campus forces after their school: "Lehigh University".
    default = Agency.Kind.POLICE if agency_type == "University or College" else Agency.Kind.OTHER
    return kind_from_name(name, default=default)


# Names seen elsewhere ------------------------------------------------------------------


def parse_short_name(name: str, state: str = "") -> CleanName:
    """How an organization name from an audit log reads as an agency: "Eugene PD OR".

    Only a state code counts here, not a state's name: "Washington County Sheriff's
    Office" says nothing about the state of Washington.
    """
    state = (state or state_code_in_name(without_tag(remove_labels(name)))).upper()
    return clean_flock_name(name, state, find_state=False)
