"""The directory a load should produce, from the three bundled files: pure, no database.

Every FBI roster agency is an entry; each Flock agency is joined onto the roster entry it
matches (``directory_match.py``), or becomes an entry of its own when it matches none or
several; the NC survey adds vendor evidence to the entries it names. Each entry says how
its FBI join was made. ``directory_load.py`` writes the plan to the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from requests_app.agencies import directory as d
from requests_app.agencies import directory_sources as src
from requests_app.agencies.directory_match import (
    FbiIndex,
    Method,
    base_key,
    family,
    match_key,
    name_key,
)
from requests_app.agencies.models import Agency, AgencyAlias, VendorEvidence

# Closer methods win when two Flock agencies join the same FBI agency.
_RANK = {Method.ORI: 0, Method.EXACT: 1, Method.NORMALISED: 2, Method.PLACE: 3}


# Entries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    vendor: str
    source: str
    url: str
    detail: str
    as_of: date | None


@dataclass
class Entry:
    """One agency the directory holds after a load."""

    jurisdiction: str  # a state code, or "US"
    name: str
    kind: str
    fbi_match: str
    ori: str | None = None
    county: str = ""
    city: str = ""
    flock: src.FlockAgency | None = None
    aliases: dict[str, tuple[str, str]] = field(default_factory=dict)  # name_key -> (name, source)
    evidence: list[Evidence] = field(default_factory=list)

    def add_evidence(self, evidence: Evidence) -> None:
        """One row per vendor and source: a second account's evidence is noted in the first's detail."""
        for i, known in enumerate(self.evidence):
            if (known.vendor, known.source) == (evidence.vendor, evidence.source):
                if evidence.detail not in known.detail:
                    self.evidence[i] = replace(known, detail=f"{known.detail} {evidence.detail}")
                return
        self.evidence.append(evidence)

    def add_alias(self, name: str, source: str) -> None:
        name = d.tidy(name)[:200]
        key = name_key(name)
        if key and key != name_key(self.name) and key not in self.aliases:
            self.aliases[key] = (name, source)

    @property
    def key(self) -> tuple[str, str]:
        return (self.jurisdiction, name_key(self.name))


@dataclass
class PlanReport:
    fbi_rows: int = 0
    fbi_renamed: int = 0
    flock_rows: int = 0
    flock_dropped: Counter = field(default_factory=Counter)
    flock_state_from_name: int = 0
    flock_matched: Counter = field(default_factory=Counter)  # by method
    flock_duplicates: int = 0  # joined an agency another Flock row also names
    flock_unmatched: int = 0
    flock_ambiguous: int = 0
    flock_federal: int = 0
    survey_rows: int = 0
    survey_matched: int = 0
    survey_unmatched: list[str] = field(default_factory=list)


@dataclass
class Plan:
    entries: list[Entry]
    report: PlanReport


def build_plan(*, fbi_rows: list[dict[str, str]], flock_rows: list[dict[str, str]],
               survey_rows: list[dict[str, str]]) -> Plan:
    report = PlanReport(fbi_rows=len(fbi_rows), flock_rows=len(flock_rows), survey_rows=len(survey_rows))
    fbi = src.fbi_agencies(fbi_rows)
    report.fbi_renamed = sum(1 for a in fbi if a.name != a.raw_name.rstrip(":").strip())
    entries = {a.ori: _fbi_entry(a) for a in fbi}
    flock, dropped = src.flock_agencies(flock_rows)
    report.flock_dropped.update(row.reason for row in dropped)
    report.flock_state_from_name = sum(1 for f in flock if f.state_from_name)
    unjoined = _join_flock(flock, FbiIndex(fbi), entries, report)
    plan_entries = _unique(list(entries.values()) + _flock_entries(unjoined))
    _join_survey(src.nc_survey_rows(survey_rows), plan_entries, report)
    return Plan(entries=plan_entries, report=report)


def _fbi_entry(agency: src.FbiAgency) -> Entry:
    entry = Entry(
        jurisdiction=agency.state, name=agency.name, kind=agency.kind, fbi_match=Method.ORI,
        ori=agency.ori, county=agency.county, city=agency.city,
    )
    entry.add_alias(agency.raw_name.rstrip(":").strip(), AgencyAlias.Source.FBI)
    return entry


def _join_flock(flock: list[src.FlockAgency], index: FbiIndex, entries: dict[str, Entry],
                report: PlanReport) -> list[tuple[src.FlockAgency, str]]:
    """Joins Flock agencies onto FBI entries; returns the ones left with their method (none or ambiguous)."""
    claims: dict[str, list[tuple[src.FlockAgency, str]]] = defaultdict(list)
    fbi_by_ori: dict[str, src.FbiAgency] = {}
    unjoined: list[tuple[src.FlockAgency, str]] = []
    for agency in flock:
        if agency.federal:
            report.flock_federal += 1
            unjoined.append((agency, Method.NONE))
            continue
        match = index.find(
            state=agency.state, name=agency.name, bare_name=agency.bare_name, kind=agency.kind,
            places=(agency.hint, agency.county, agency.city), city=agency.city, county=agency.county,
        )
        if match.fbi is None:
            unjoined.append((agency, match.method))
        else:
            claims[match.fbi.ori].append((agency, match.method))
            fbi_by_ori[match.fbi.ori] = match.fbi
    for ori, claimants in claims.items():
        # Several Flock accounts whose names match one FBI agency ("South St Paul MN PD",
        # "South Saint Paul MN PD") are that agency's accounts. A match by place alone
        # gives way to any match by name.
        cutoff = max(min(_RANK[method] for _, method in claimants), _RANK[Method.NORMALISED])
        winners = [c for c in claimants if _RANK[c[1]] <= cutoff]
        _attach(entries[ori], fbi_by_ori[ori], sorted(winners, key=_primary_first), report)
        unjoined += [(agency, Method.AMBIGUOUS) for agency, method in claimants if _RANK[method] > cutoff]
    for agency, method in unjoined:
        if method == Method.AMBIGUOUS:
            report.flock_ambiguous += 1
        elif not agency.federal:
            report.flock_unmatched += 1
    return unjoined


def _primary_first(claim: tuple[src.FlockAgency, str]) -> tuple:
    agency = claim[0]
    return (not agency.portal_url, not agency.has_figures, agency.flock_id)


def _attach(entry: Entry, fbi: src.FbiAgency, claims: list[tuple[src.FlockAgency, str]], report: PlanReport) -> None:
    primary, method = claims[0]
    entry.flock = primary
    entry.fbi_match = method
    if entry.kind == Agency.Kind.OTHER:
        entry.kind = primary.kind
    if fbi.is_place_name and primary.kind == Agency.Kind.POLICE:
        # "Fortville" in the roster is the Fortville Police Department in the network.
        roster_name, entry.name = entry.name, primary.name
        entry.add_alias(roster_name, AgencyAlias.Source.FBI)
    if not entry.city and primary.city and entry.kind == Agency.Kind.POLICE:
        entry.city = primary.city
    for agency, method in claims:
        report.flock_matched[method] += 1
        for alias in (*agency.aliases, agency.name):
            entry.add_alias(alias, AgencyAlias.Source.FLOCK)
    for evidence in _flock_evidence([agency for agency, _ in claims]):
        entry.add_evidence(evidence)
    report.flock_duplicates += len(claims) - 1


def _flock_entries(unjoined: list[tuple[src.FlockAgency, str]]) -> list[Entry]:
    """One entry per unjoined Flock agency; rows with the same name in one place are one agency."""
    groups: dict[tuple[str, str], list[tuple[src.FlockAgency, str]]] = defaultdict(list)
    for agency, method in sorted(unjoined, key=_primary_first):
        groups[(agency.jurisdiction, name_key(agency.name))].append((agency, method))
    entries = []
    for group in groups.values():
        primary, method = group[0]
        entry = Entry(
            jurisdiction=primary.jurisdiction, name=primary.name, kind=primary.kind, fbi_match=method,
            county=primary.county, city=primary.city, flock=primary,
        )
        for agency, _ in group:
            for alias in agency.aliases:
                entry.add_alias(alias, AgencyAlias.Source.FLOCK)
        for evidence in _flock_evidence([agency for agency, _ in group]):
            entry.add_evidence(evidence)
        entries.append(entry)
    return entries


def _flock_evidence(accounts: list[src.FlockAgency]) -> list[Evidence]:
    """Evidence from an agency's Flock accounts, the primary account first."""
    names = " and ".join(f"\u201c{a.raw_name}\u201d" for a in accounts)
    sharing = Evidence(
        vendor=d.FLOCK_VENDOR, source=VendorEvidence.Source.FLOCK_SHARING, url="",
        detail=(f"Named as {names} in Flock Safety sharing lists: it has access to the Flock network, "
                "which does not by itself mean it owns cameras."),
        as_of=d.FLOCK_AS_OF,
    )
    portals = [a.portal_url for a in accounts if a.portal_url]
    if not portals:
        return [sharing]
    portal = Evidence(
        vendor=d.FLOCK_VENDOR, source=VendorEvidence.Source.FLOCK_PORTAL, url=portals[0],
        detail="Has a public Flock Safety transparency portal" + (
            f" (also {', '.join(portals[1:])})." if len(portals) > 1 else "."),
        as_of=d.FLOCK_AS_OF,
    )
    return [sharing, portal]


def _unique(entries: list[Entry]) -> list[Entry]:
    """Entries renamed where two would share a name in one jurisdiction (the directory's rule)."""
    taken: set[tuple[str, str]] = set()
    for entry in entries:
        for qualifier in _qualifiers(entry):
            if entry.key not in taken:
                break
            before = entry.name
            entry.name = f"{before.split(' (')[0]} ({qualifier})"
            entry.add_alias(before, AgencyAlias.Source.FLOCK if entry.flock else AgencyAlias.Source.FBI)
        taken.add(entry.key)
    return entries


def _qualifiers(entry: Entry) -> Iterable[str]:
    yield ""  # first pass: the name as it is
    place = entry.flock.hint if entry.flock else ""
    if place:
        yield place
    if entry.city:
        yield entry.city
    if entry.county:
        yield f"{entry.county} County"
    yield f"Flock {entry.flock.flock_id}" if entry.flock else f"ORI {entry.ori}"


# The NC survey --------------------------------------------------------------------------


def _join_survey(rows: list[src.SurveyRow], entries: list[Entry], report: PlanReport) -> None:
    lookup = _entry_lookup([e for e in entries if e.jurisdiction == "NC"])
    for row in rows:
        entry = lookup(row)
        if entry is None:
            report.survey_unmatched.append(row.raw_name)
            continue
        report.survey_matched += 1
        entry.add_alias(row.raw_name, AgencyAlias.Source.NC_SURVEY)
        if row.vendor:
            entry.add_evidence(Evidence(
                vendor=row.vendor, source=VendorEvidence.Source.NC_SURVEY, url=row.url,
                detail=row.detail, as_of=d.NC_SURVEY_AS_OF,
            ))


def _entry_lookup(entries: list[Entry]) -> Callable[[src.SurveyRow], Entry | None]:
    by: dict[tuple[str, object], list[Entry]] = defaultdict(list)
    for entry in entries:
        names = [entry.name, *(name for name, _ in entry.aliases.values())]
        keys = {("exact", name_key(n)) for n in names} | {("match", match_key(n)) for n in names}
        keys |= {("base", (family(entry.kind), base_key(n))) for n in names}
        for key in keys:
            by[key].append(entry)

    def lookup(row: src.SurveyRow) -> Entry | None:
        for key in (("exact", name_key(row.name)), ("match", match_key(row.bare_name)),
                    ("base", (family(row.kind), base_key(row.bare_name)))):
            found = by.get(key, [])
            if len(found) > 1:
                found = [e for e in found if e.flock] or found
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None

    return lookup
