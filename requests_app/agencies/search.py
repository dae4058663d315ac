"""Searching the agency directory by name, alias, city, county or ORI.

A query matches an agency by any of:

- its ORI, exactly, when the query looks like one ("OR0200300", any case);
- its name, or one of its aliases, containing every word of the query in any order
  ("eugene police" finds Eugene Police Department; "Eugene PD OR" finds it through its
  Flock alias "Eugene OR PD");
- its name as an audit log or the Flock network spells it, read as agency_for_name reads
  it: "Plymouth PD IN" is Plymouth Police Department in Indiana, "seattle pd" is Seattle
  Police Department in any state;
- its city or county, whole ("spokane" finds the agencies of Spokane and of Spokane County).

A query of one or two characters matches names and aliases that start with it instead:
contained anywhere, it would match most of the directory.

Results are ranked: the ORI, then an exact name or alias, then names starting with the
query, then the rest; by name within a rank (the ordering is agency_search's).

Why it is fast enough (bench/directory_search.py measures it against the 100 ms target).
Containment is ``LIKE '%word%'``, which no B-tree index serves; Django's ``contains``
escapes ``%`` and ``_``, so a query is never a pattern. On PostgreSQL, migration 0005 adds
pg_trgm GIN indexes on the name and alias keys, which serve such a LIKE for words of three
characters or more, and each way of matching is its own SELECT of agency ids, joined by
UNION inside one ``id IN (...)``: every part uses its own index (trigram, city, county,
ORI), where an OR of them in one WHERE makes PostgreSQL scan the table. A search for a
name, a place or an ORI then costs well under a millisecond of SQL; one matching most of
the directory ("police") costs a scan and a sort whatever the indexes. SQLite has no such
index and scans the 20,000 names, a few milliseconds in process.

A search-terms table (agency, word) indexed by word would serve both databases alike, but
it matches word prefixes only ("gene" would not find Eugene), and every writer of names
and aliases, the directory loader's bulk writes among them, would have to keep it in
step; PostgreSQL keeps a trigram index itself, and SQLite needs none at this size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from requests_app.agencies.directory import parse_short_name
from requests_app.agencies.models import Agency, AgencyAlias, name_key, place_key
from requests_app.agencies.states import STATE_NAMES
from requests_app.laws.models import Jurisdiction

MAX_LENGTH = 100  # as the directory form allows; the API's ?q= is cut to it
MAX_WORDS = 8  # a name needs fewer; more would only lengthen the SQL
MIN_CONTAINED = 3  # shorter queries match at the start of a name (and trigrams need three)

# An ORI: nine letters and digits, two letters first and a digit among the rest.
_ORI = re.compile(r"^[A-Z]{2}(?=[A-Z]*[0-9])[A-Z0-9]{7}$")
# How audit logs write the abbreviations parse_short_name spells out: in capitals, but "Co"
# for County (in capitals it is Colorado).
_ABBREVIATIONS = {"pd": "PD", "so": "SO", "sp": "SP", "dps": "DPS", "co": "Co"}


class Rank:
    ORI = 0
    EXACT = 1
    PREFIX = 2
    CONTAINS = 3


@dataclass(frozen=True)
class SearchQuery:
    key: str  # the query as names are compared (name_key)
    words: tuple[str, ...]
    ori: str  # the query as an ORI; "" when it does not look like one
    place: str  # the query as a city or county key
    spelled_out: str  # the name_key of the query read as a short name; "" when that reads the same
    state: str  # the state code that short name carries; "" when none

    @classmethod
    def of(cls, query: str) -> SearchQuery:
        query = " ".join(query[:MAX_LENGTH].split())
        key = name_key(query)
        short = parse_short_name(_as_logs_write(query))
        spelled_out = name_key(short.name)
        return cls(
            key=key,
            words=tuple(dict.fromkeys(key.split()))[:MAX_WORDS],
            ori=query.upper() if _ORI.match(query.upper()) else "",
            place=place_key(query),
            spelled_out=spelled_out if spelled_out not in ("", key) and len(key) >= MIN_CONTAINED else "",
            state=short.state,
        )

    @property
    def empty(self) -> bool:
        return not self.words

    @property
    def short(self) -> bool:
        return len(self.key) < MIN_CONTAINED


def search_condition(query: str) -> Q:
    """The agencies a search matches, as one condition on Agency; Q() for a blank query.

    Each way of matching is a SELECT of agency ids and the condition is ``id IN (one
    UNION two ...)``, so each part can use its own index and no agency comes back twice.
    """
    search = SearchQuery.of(query)
    if search.empty:
        return Q()
    agencies = Agency.objects.order_by()
    parts: list[QuerySet] = [
        agencies.filter(_name_matches(search)).values("pk"),
        AgencyAlias.objects.order_by().filter(_name_matches(search)).values("agency_id"),
    ]
    if search.spelled_out:
        spelled = _all_words(search.spelled_out.split()[:MAX_WORDS])
        parts.append(agencies.filter(spelled & _in_state(search.state) if search.state else spelled).values("pk"))
    if search.place:
        parts += [agencies.filter(city_key=search.place).values("pk"),
                  agencies.filter(county_key=search.place).values("pk")]
    if search.ori:
        parts.append(agencies.filter(ori=search.ori).values("pk"))
    return Q(pk__in=parts[0].union(*parts[1:]))


def search_rank(query: str) -> Case:
    """Each matching agency's Rank, for ordering the results best first."""
    search = SearchQuery.of(query)
    exact = Q(name_key=search.key) | Q(pk__in=AgencyAlias.objects.filter(name_key=search.key).values("agency_id"))
    if search.spelled_out:
        spelled = Q(name_key=search.spelled_out)
        exact |= spelled & _in_state(search.state) if search.state else spelled
    whens = [When(ori=search.ori, then=Value(Rank.ORI))] if search.ori else []
    whens += [When(exact, then=Value(Rank.EXACT)), When(name_key__startswith=search.key, then=Value(Rank.PREFIX))]
    return Case(*whens, default=Value(Rank.CONTAINS), output_field=IntegerField())


def _name_matches(search: SearchQuery) -> Q:
    """On Agency or AgencyAlias, which both have name_key."""
    return Q(name_key__startswith=search.key) if search.short else _all_words(search.words)


def _all_words(words: list[str] | tuple[str, ...]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(name_key__contains=word)
    return condition


def _in_state(code: str) -> Q:
    return Q(jurisdiction__in=Jurisdiction.objects.filter(Q(code=code) | Q(parent__code=code)).values("pk"))


def _as_logs_write(query: str) -> str:
    """The query's abbreviations, and a state code at its end, as audit logs write them:
    "plymouth pd in" -> "plymouth PD IN". A state code typed in lower case counts only as
    the last word ("Eugene PD OR"), so "la grange pd" stays La Grange, not Grange in Louisiana."""
    words = [_ABBREVIATIONS.get(word.casefold(), word) for word in query.split()]
    if words and words[-1].upper() in STATE_NAMES:
        words[-1] = words[-1].upper()
    return " ".join(words)
