"""The state an organization is in, read from its name as Flock's network, audit logs and
sharing lists write it: "Okaloosa County FL SO", "Riverside County CA SD", "Miami-Dade PD (FL)",
"ME Office of Investigations", "TX - Houston PD", "Indiana State Police". The agency directory
(``directory.py``) and the audit-log readers both read states here.

Flock's convention puts the state code after the place and before the kind of agency, and
some kinds (SD, a sheriff's department) are spelled like states, so the last two-letter
code is not the answer. Every state code is also a word somewhere (IN, OR, ME, OK, HI, DE),
so in a name written all in capitals a code counts only where a code is placed: at the end,
in parentheses, before a dash that opens the name, or just before a kind of agency. A state's
full name counts only where it is not a place called after the state ("Washington County",
"Kansas City").
"""

from __future__ import annotations

import re

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}
# Audit logs also name Puerto Rico's agencies; the directory holds the states and DC only.
STATES = frozenset((*STATE_NAMES, "PR"))
_NAMES = {**STATE_NAMES, "PR": "Puerto Rico"}

# Kinds of agency written after a state code. Those spelled like a state are not states
# when they follow one: "Riverside County CA SD" is California's sheriff's department,
# "Albany OR PR" Oregon's parks and recreation.
_KIND_CODES = frozenset(("SD", "PR"))
_KINDS = frozenset(
    "PD SO SD PR DPS SP HP PO DA DOC DOJ DOT FD DTF TF NTF HIDTA ROCIC RTCC BCI CID SWAT POLICE SHERIFF SHERIFF'S "
    "SHERIFFS STATE HIGHWAY DEPT DEPARTMENT OFFICE MARSHAL MARSHALS CONSTABLE CONSTABLES TROOPERS TASK".split())
# "DeKalb CO GA", "MN - Isanti CO SO": CO is a county wherever another state is named.
_COUNTY = "CO"
# Status marks in names, whose words are spelled like codes.
_STATUS = re.compile(r"\bNOT IN (?:USE|SERVICE)\b", re.IGNORECASE)

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]*)?")
# A place named after a state: "Washington County", "Kansas City", "Ohio Township",
# "Fort Washington", "Washington PD" (a city's police).
_PLACE_AFTER = (r"(?!\s+(?:County|Co|City|Township|Twp|Parish|Borough|Boro|Village|Town|Beach|Springs|Heights|"
                r"Park|Hills?|Valley|Metro|PD|P\.D|Police\s+Dep(?:artmen)?t|Sheriff)\b)")
_PLACE_BEFORE = r"(?<!Fort )(?<!Ft\. )(?<!Port )(?<!Mount )(?<!Mt\. )(?<!Lake )(?<!Camp )"
_FULL_NAME = re.compile(
    _PLACE_BEFORE + r"\b(" + "|".join(re.escape(n) for n in sorted(_NAMES.values(), key=len, reverse=True))
    + r")\b" + _PLACE_AFTER, re.IGNORECASE)
_BY_NAME = {name.casefold(): code for code, name in _NAMES.items()}
# Longest first, so that "West Virginia" is not read as "Virginia".
_ANY_FULL_NAME = re.compile(
    r"\b(?:" + "|".join(re.escape(n) for n in sorted(_NAMES.values(), key=len, reverse=True)) + r")\b", re.IGNORECASE)

# How a code is placed, best first.
_PARENTHESES, _PREFIX, _BEFORE_KIND, _AT_END, _LEADING, _ELSEWHERE = range(6)


def state_of(name: str | None, *, place_names: bool = False) -> str | None:
    """The two-letter code of the state the named organization is in, or None.

    With ``place_names``, a state's name counts even in a place named after it, the first
    one named: "Oklahoma City Community College PD", "Lake Michigan College". The agency
    directory guesses so for a Flock row whose state is not given; a name in an audit log,
    which may come from anywhere ("Kansas City PD"), is not placed that way.
    """
    codes = state_codes(name)
    if codes:
        return codes[0]
    return _state_from_place_name(_text(name)) if place_names else _state_from_full_name(_text(name))


def state_codes(name: str | None) -> list[str]:
    """The state codes the name places, likeliest first (a state's full name aside)."""
    text = _text(name)
    words = list(_WORD.finditer(text))
    codes = [i for i, w in enumerate(words) if w.group() in STATES]
    capitals = not any(c.islower() for c in text)
    placed = []
    county = bool({words[i].group() for i in codes} - {_COUNTY})  # CO is a county if another state is named
    for i in codes:
        if _is_kind(words, codes, i) or (words[i].group() == _COUNTY and county):
            continue
        rank = _placement(text, words, i)
        if capitals and rank >= _LEADING:
            continue  # "POLICIA DE PUERTO RICO": a word, not Delaware
        placed.append((rank, -i, words[i].group()))
    return list(dict.fromkeys(code for _, _, code in sorted(placed)))


def _text(name: str | None) -> str:
    return _STATUS.sub(" ", " ".join((name or "").split()))


def _is_kind(words: list[re.Match], codes: list[int], i: int) -> bool:
    return words[i].group() in _KIND_CODES and i - 1 in codes and _adjacent(words, i - 1)


def _adjacent(words: list[re.Match], i: int) -> bool:
    """Whether word i and the next are separated by spaces only (not "FL - SD")."""
    return i + 1 < len(words) and not words[i].string[words[i].end():words[i + 1].start()].strip()


def _placement(text: str, words: list[re.Match], i: int) -> int:
    word = words[i]
    if text[word.start() - 1:word.start()] == "(" and text[word.end():word.end() + 1] == ")":
        return _PARENTHESES
    if i == 0 and re.match(r"\s*[-:]", text[word.end():]):
        return _PREFIX  # "TX - Houston PD"
    if i + 1 < len(words) and words[i + 1].group().upper() in _KINDS:
        return _BEFORE_KIND
    if not re.search(r"[A-Za-z0-9]", text[word.end():]):
        return _AT_END
    return _LEADING if i == 0 else _ELSEWHERE


def _state_from_full_name(text: str) -> str | None:
    found = [m.group(1).casefold() for m in _FULL_NAME.finditer(text)]
    return _BY_NAME[found[-1]] if found else None


def _state_from_place_name(text: str) -> str | None:
    found = _ANY_FULL_NAME.search(text)
    return _BY_NAME[found.group(0).casefold()] if found else None
