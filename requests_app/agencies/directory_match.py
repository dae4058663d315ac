"""Finding a Flock agency in the FBI roster: pure, no database.

Each Flock agency is looked up among the FBI agencies of its state, closest first:
exact name, normalised name (case, punctuation, "Twp"/"Township", "PD"/"Police", and then
without the kind words), then its city (a police department) or county (a sheriff). A
lookup that finds several agencies, after narrowing by the county or place a name carries
("Miami Township OH PD (Clermont)"), is ambiguous, and the Flock agency is not joined.
``directory_plan.py`` uses it to build the directory a load should produce.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from requests_app.agencies import directory_sources as src
from requests_app.agencies.models import Agency
from requests_app.agencies.models import name_key as _name_key

Method = Agency.FbiMatch
name_key = lru_cache(maxsize=131072)(_name_key)

# Keys -------------------------------------------------------------------------------

_SYNONYMS = {
    "saint": "st", "mount": "mt", "fort": "ft", "twp": "township", "dept": "department",
    "co": "county", "parish": "county", "boro": "borough", "univ": "university", "pd": "police",
    "so": "sheriff", "intl": "international", "ctr": "center", "and": "", "the": "", "at": "",
}
_PHRASES = (
    (re.compile(r"\bpolice department\b"), "police"),
    (re.compile(r"\bsheriffs? (?:office|department)\b|\bsheriffs\b"), "sheriff"),
    (re.compile(r"\b(?:department of public safety|public safety department|dps)\b"), "public safety"),
    (re.compile(r"\bcampus police\b"), "police"),
)
_PLACE_WORDS = re.compile(r"\b(?:city|town|village|borough|township|of)\b")
_KIND_WORDS = re.compile(r"\b(?:police|sheriff|public safety|campus|department|office)\b")
_COUNTY_WORDS = re.compile(r"\b(?:county|parish)\b")
_DROPPED = re.compile(r"['`.]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _words(name: str) -> str:
    text = _NOT_WORD.sub(" ", _DROPPED.sub("", name.casefold().replace("&", " and ")))
    return " ".join(w for w in (_SYNONYMS.get(w, w) for w in text.split()) if w)


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str, str, str]:
    """(match_key, squashed match_key, loose_key, base_key) of a name, computed together."""
    text = _words(name)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    words = text.split()
    match = " ".join(words)
    loose = " ".join(_PLACE_WORDS.sub(" ", match).split())
    return match, "".join(words), loose, " ".join(_KIND_WORDS.sub(" ", loose).split())


def match_key(name: str) -> str:
    """Names compared without case, punctuation or spelling variants: "St. Paul PD" = "Saint Paul Police Department"."""
    return name_keys(name)[0]


def loose_key(name: str) -> str:
    """match_key without the words for a kind of place: "City of West PD" = "West Police Department"."""
    return name_keys(name)[2]


def base_key(name: str) -> str:
    """loose_key without the words for a kind of agency; only compared within one family of kinds."""
    return name_keys(name)[3]


@lru_cache(maxsize=8192)
def place_match_key(place: str) -> str:
    """A county or city: "Hamilton Co" = "HAMILTON" = "Hamilton County"."""
    return " ".join(_COUNTY_WORDS.sub(" ", match_key(place)).split())


def family(kind: str) -> str:
    return "police" if kind == "police" else str(kind)


# Looking up the FBI roster --------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    fbi: src.FbiAgency | None
    method: str


class FbiIndex:
    """The FBI agencies of each state by every key a lookup uses."""

    def __init__(self, agencies: Iterable[src.FbiAgency]) -> None:
        self.by: dict[str, dict[tuple, list[src.FbiAgency]]] = defaultdict(lambda: defaultdict(list))
        for agency in agencies:
            for step, key in self._keys(agency):
                bucket = self.by[step][(agency.state, key)]
                if not bucket or bucket[-1] is not agency:  # one agency's keys come together
                    bucket.append(agency)

    @staticmethod
    def _keys(a: src.FbiAgency) -> Iterable[tuple[str, object]]:
        own_names = (a.name, a.raw_name.rstrip(":"))
        for name in dict.fromkeys((*own_names, a.bare_name)):
            match, squashed, loose, base = name_keys(name)
            if name in own_names:
                yield "exact", name_key(name)
            yield "match", match
            yield "squash", squashed
            yield "loose", loose
            yield "base", (family(a.kind), base)
        if a.is_place_name:
            yield "place", (Agency.Kind.POLICE, place_match_key(a.name))
        if a.city and a.kind == Agency.Kind.POLICE:
            yield "place", (Agency.Kind.POLICE, place_match_key(a.city))
        if a.first_county and a.kind == Agency.Kind.SHERIFF and a.agency_type == "County":
            yield "place", (Agency.Kind.SHERIFF, place_match_key(a.first_county))

    def find(self, *, state: str, name: str, bare_name: str, kind: str, places: Iterable[str] = (),
             city: str = "", county: str = "") -> Match:
        match, squashed, loose, base = name_keys(bare_name)
        steps: list[tuple[str, str, object]] = [
            (Method.EXACT, "exact", name_key(name)),
            (Method.EXACT, "exact", name_key(bare_name)),
            (Method.NORMALISED, "match", match),
            (Method.NORMALISED, "squash", squashed),
            (Method.NORMALISED, "loose", loose),
            (Method.NORMALISED, "base", (family(kind), base)),
        ]
        if city and kind == Agency.Kind.POLICE:
            steps.append((Method.PLACE, "place", (Agency.Kind.POLICE, place_match_key(city))))
        if county and kind == Agency.Kind.SHERIFF:
            steps.append((Method.PLACE, "place", (Agency.Kind.SHERIFF, place_match_key(county))))
        places = [p for p in places if p]
        counties = {place_match_key(p) for p in places if _COUNTY_HINT.search(p)} - {""}
        words = place_words(bare_name)
        for method, step, key in steps:
            found = [a for a in self.by[step].get((state, key), []) if _fits(a, words, counties, step)]
            if len(found) > 1 and words:
                # "Town of Poughkeepsie": the town's department, not the city's.
                found = [a for a in found if place_words(a.bare_name) == words] or found
            if len(found) > 1:
                found = _narrowed(found, places)
            if len(found) == 1:
                return Match(found[0], method)
            if found:
                return Match(None, Method.AMBIGUOUS)
        return Match(None, Method.NONE)


_COUNTY_HINT = re.compile(r"\b(?:county|co|parish)\b", re.I)


def place_words(name: str) -> frozenset[str]:
    """The words for a kind of place a name has: {"township"} for "Manor Township PD"."""
    return frozenset(_PLACE_WORDS.findall(match_key(name))) - {"of"}


def _fits(agency: src.FbiAgency, words: frozenset[str], counties: set[str], step: str) -> bool:
    """False where a candidate contradicts the name looked up.

    A county the name states must be the candidate's. Looser steps ignore the kind of
    place, but not where that tells agencies apart: "Manor Township" is not the borough
    the roster calls "Manor Police Department", and "Spring Township" is not "Spring City".
    """
    if counties and agency.county and not counties & {place_match_key(c) for c in agency.county.split(",")}:
        return False
    if step in ("exact", "match", "squash"):
        return True
    theirs = place_words(agency.bare_name)
    if words and theirs:
        return words == theirs
    # A city, village or borough is often named without the word; a town or township is
    # usually a different force from the city it shares a name with ("Niagara Falls Town").
    return not words & {"town", "township"}


def _narrowed(found: list[src.FbiAgency], places: list[str]) -> list[src.FbiAgency]:
    """The one candidate whose county or city is a place the name carries, in the order given
    (bracketed place, county, city); all candidates where no place picks out one."""
    for place in places:
        key = place_match_key(place)
        kept = [a for a in found if key in {place_match_key(c) for c in (*a.county.split(","), a.city)}]
        if len(kept) == 1:
            return kept
    return found
