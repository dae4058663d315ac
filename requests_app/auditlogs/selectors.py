"""What imported audit logs show, for one request or a whole campaign: report pages, PDF and CSV.

A campaign can hold hundreds of agencies, so its figures come from a fixed number of grouped
queries (``values("request", ...).annotate(...)``) summed in Python, never a query per request.
Each agency's own state decides which sharing law its findings are read against.

Times are stored in UTC and shown in the agency's zone (zones.py), named on the page: a
request's report in the zone its imports read bare times in (the agency's state's unless a
user chose another). A campaign's agencies in one zone are shown in it; agencies in several
are shown in UTC, said, rather than a page of times each in its own zone (the CSV export
gives each agency's rows in its own zone, with the zone on every row).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo
from functools import cached_property

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.db.models.functions import TruncMonth

from requests_app.auditlogs import rules
from requests_app.auditlogs.charts import ReportCharts, report_charts
from requests_app.auditlogs.findings import Finding, findings_for
from requests_app.auditlogs.models import AuditImport, HotlistEvent, RosterUser, SearchEvent, SharingRelation
from requests_app.auditlogs.sharing import Direction
from requests_app.auditlogs.zones import UTC, request_zone
from requests_app.campaigns.models import Campaign
from requests_app.records.models import RecordsRequest

TOP = 15
HOTLIST_SHOWN = 200
MARKED_KINDS = ("federal", "private")
_SENSITIVE = Q(categories__contains=",immigration,") | Q(categories__contains=",reproductive_health,")


@dataclass
class Tally:
    """Searches of one request (or a sum of several), counted against the agency's home state."""

    total: int = 0
    flagged: int = 0
    federal: int = 0
    out_of_state: int = 0
    outside: int = 0  # federal or out of state: what California's law speaks to
    sensitive: int = 0  # immigration or reproductive health: what Illinois' law speaks to
    categories: Counter = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    def add(self, group: dict, home: str) -> None:
        n, state = group["n"], group["organization_state"]
        out = bool(state) and state != home
        self.total += n
        self.flagged += group["n_flagged"]
        self.federal += n if group["federal"] else 0
        self.out_of_state += n if out else 0
        self.outside += n if out or group["federal"] else 0
        self.sensitive += group["n_sensitive"]
        self.categories.update({key: group[f"c_{key}"] for key in rules.CATEGORIES})
        self.first = min(filter(None, (self.first, group["first"])), default=None)
        self.last = max(filter(None, (self.last, group["last"])), default=None)

    def merge(self, other: Tally) -> None:
        for name in ("total", "flagged", "federal", "out_of_state", "outside", "sensitive"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.categories.update(other.categories)
        self.first = min(filter(None, (self.first, other.first)), default=None)
        self.last = max(filter(None, (self.last, other.last)), default=None)

    def category_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.categories[key]) for key, label in rules.CATEGORIES.items()]


@dataclass(frozen=True)
class Hotlist:
    total: int
    by_type: list[tuple[str, int]]
    flagged_total: int
    sensitive: dict[int, int]  # request id -> entries flagged immigration or reproductive health
    flagged: list  # HotlistEvent, the first HOTLIST_SHOWN flagged ones


@dataclass(frozen=True)
class Roster:
    total: int
    roles: list[tuple[str, int]]  # (role, users), most held first


@dataclass(frozen=True)
class Report:
    total: int
    first: object
    last: object
    categories: list[tuple[str, str, int]]
    months: list[tuple[object, int]]
    organizations: list[dict]
    reasons: list[dict]
    out_of_state: int
    federal: int
    home_state: str
    findings: list
    flagged_total: int = 0
    hotlist: Hotlist | None = None
    roster: Roster | None = None
    time_zone: str = UTC  # the zone its times are shown in

    @cached_property
    def charts(self) -> ReportCharts:
        return report_charts(self)

    @property
    def zone_note(self) -> str:
        return f"times in {self.time_zone}"


def _tallies(events: QuerySet, homes: dict[int, str]) -> dict[int, Tally]:
    """One grouped query: a tally per request id in ``homes``."""
    groups = (events.order_by().values("request", "organization_state", "federal").annotate(
        n=Count("pk"), n_flagged=Count("pk", filter=~Q(categories="")), n_sensitive=Count("pk", filter=_SENSITIVE),
        first=Min("searched_at"), last=Max("searched_at"),
        **{f"c_{key}": Count("pk", filter=Q(categories__contains=f",{key},")) for key in rules.CATEGORIES},
    ))
    tallies = {pk: Tally() for pk in homes}
    for group in groups:
        tallies[group["request"]].add(group, homes[group["request"]])
    return tallies


def _months(events: QuerySet, zone: str) -> list[tuple[object, int]]:
    # Months in the report's zone, like its other times, not the server's zone.
    months = (events.exclude(searched_at=None).annotate(month=TruncMonth("searched_at", tzinfo=ZoneInfo(zone)))
              .values("month")
              .annotate(n=Count("pk")).order_by("month"))
    return [(m["month"], m["n"]) for m in months]


def _organizations(events: QuerySet) -> list[dict]:
    return list(events.exclude(organization="").values("organization", "organization_state", "federal")
                .annotate(n=Count("pk")).order_by("-n", "organization")[:TOP])


def _reasons(events: QuerySet) -> list[dict]:
    return list(events.exclude(reason="").values("reason").annotate(n=Count("pk")).order_by("-n", "reason")[:TOP])


def _hotlist(events: QuerySet, *, related: tuple[str, ...] = ()) -> Hotlist:
    groups = list(events.order_by().values("request", "event_type").annotate(
        n=Count("pk"), n_flagged=Count("pk", filter=~Q(categories="")), n_sensitive=Count("pk", filter=_SENSITIVE)))
    by_type, sensitive = Counter(), Counter()
    for g in groups:
        by_type[g["event_type"] or "unnamed"] += g["n"]
        sensitive[g["request"]] += g["n_sensitive"]
    flagged_total = sum(g["n_flagged"] for g in groups)
    shown = events.exclude(categories="").select_related(*related).order_by("occurred_at", "line")
    return Hotlist(
        total=sum(by_type.values()), by_type=sorted(by_type.items(), key=lambda t: (-t[1], t[0])),
        flagged_total=flagged_total, sensitive=dict(sensitive),
        flagged=list(shown[:HOTLIST_SHOWN]) if flagged_total else [],
    )


def _roster(users: QuerySet) -> Roster:
    roles = users.order_by().values("role").annotate(n=Count("pk")).order_by("-n", "role")
    pairs = [(r["role"] or "(no role)", r["n"]) for r in roles]
    return Roster(total=sum(n for _, n in pairs), roles=pairs)


def _findings(home: str, tally: Tally, hotlist_sensitive: int, outside_partners: int) -> list[Finding]:
    return findings_for(home, outside=tally.outside, immigration_or_reproductive=tally.sensitive,
                        outside_partners=outside_partners, hotlist_sensitive=hotlist_sensitive)


def zones_of(requests: list[RecordsRequest]) -> dict[int, str]:
    """The zone each request's times are shown in: the one its finished imports read bare
    times in when they agree, else its agency's state's. One query for any number."""
    read: dict[int, set[str]] = defaultdict(set)
    done = AuditImport.objects.filter(request__in=[r.pk for r in requests], state=AuditImport.State.DONE)
    for request_id, zone in done.values_list("request_id", "time_zone").distinct():
        read[request_id].add(zone)
    return {r.pk: next(iter(read[r.pk])) if len(read[r.pk]) == 1 else request_zone(r).name for r in requests}


def local_iso(moment: datetime | None, zone: str) -> str:
    """A stored (UTC) time as ISO 8601 in ``zone``, with its offset: local and unambiguous."""
    return moment.astimezone(ZoneInfo(zone)).isoformat() if moment else ""


def report_for(request: RecordsRequest) -> Report:
    events = SearchEvent.objects.filter(request=request)
    zone = zones_of([request])[request.pk]
    home = request.agency.jurisdiction.state_code
    tally = _tallies(events, {request.pk: home})[request.pk]
    hotlist = _hotlist(HotlistEvent.objects.filter(request=request))
    partners = _partner_groups(SharingRelation.objects.filter(request=request))
    return Report(
        total=tally.total, first=tally.first, last=tally.last, categories=tally.category_rows(),
        months=_months(events, zone), organizations=_organizations(events), reasons=_reasons(events),
        out_of_state=tally.out_of_state, federal=tally.federal, home_state=home, flagged_total=tally.flagged,
        findings=_findings(home, tally, hotlist.sensitive.get(request.pk, 0), _outside_partners(partners, home)),
        hotlist=hotlist, roster=_roster(RosterUser.objects.filter(request=request)), time_zone=zone,
    )


def flagged(request: RecordsRequest) -> QuerySet[SearchEvent]:
    return (SearchEvent.objects.filter(request=request).exclude(categories="")
            .annotate(rules_version=F("audit_import__rules_version")).order_by("searched_at"))


def rules_versions(imports: QuerySet[AuditImport]) -> str:
    """The rule sets the stored flags were made with, oldest first ("2026.11.1, 2026.12.1"): a
    report names the rules its flags came from, not today's. The current set when none is stored."""
    found = set(imports.exclude(rules_version="").values_list("rules_version", flat=True))
    return ", ".join(sorted(found, key=lambda v: [int(p) if p.isdigit() else 0 for p in v.split(".")])) or rules.VERSION


@dataclass(frozen=True)
class Topology:
    total: int
    by_state: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    by_direction: list[tuple[str, int]]  # (what the direction means, organizations)
    marked: list  # federal and private partners, named


def _partner_groups(relations: QuerySet) -> list[dict]:
    """Sharing partners (organizations) counted by request, state, kind and direction:
    enough for every topology figure."""
    groups = list(relations.order_by().values("request", "state", "kind", "direction")
                  .annotate(n=Count("organization", distinct=True)))
    for g in groups:
        # Released lists write "??" (or nothing) where they do not know the state: not out of state.
        g["state"] = g["state"] if len(g["state"]) == 2 and g["state"].isalpha() else ""
    return groups


def _outside_partners(groups: list[dict], home: str) -> int:
    """Federal, private or out-of-state organizations the agency's data may go to: all but
    those that only share their own data with it."""
    return sum(g["n"] for g in groups if g["direction"] != Direction.SHARED_WITH_ME
               and (g["kind"] in MARKED_KINDS or (g["state"] and g["state"] != home)))


def _topology(groups: list[dict], marked: QuerySet) -> Topology:
    by_state, by_kind, by_direction = Counter(), Counter(), Counter()
    for g in groups:
        by_state[g["state"] or "unknown"] += g["n"]
        by_kind[g["kind"]] += g["n"]
        by_direction[g["direction"]] += g["n"]
    return Topology(
        total=sum(by_state.values()),
        by_state=sorted(by_state.items(), key=lambda s: (-s[1], s[0])),
        by_kind=sorted(by_kind.items(), key=lambda k: (-k[1], k[0])),
        by_direction=[(label, by_direction[key]) for key, label in Direction.LABELS.items() if by_direction[key]],
        marked=list(marked) if groups else [],
    )


def sharing_for(request: RecordsRequest) -> Topology:
    relations = SharingRelation.objects.filter(request=request)
    marked = relations.filter(kind__in=MARKED_KINDS).order_by("kind", "organization")
    return _topology(_partner_groups(relations), marked)


@dataclass(frozen=True)
class AgencyRow:
    """One request of a campaign: its agency's searches and the findings under its own state's law."""

    request: RecordsRequest
    state: str
    tally: Tally
    partners: int
    findings: list[Finding]

    def category_counts(self) -> list[tuple[str, int]]:
        """(label, searches) of each reason category; federal searchers have their own column."""
        return [(label, self.tally.categories[key]) for key, label in rules.CATEGORIES.items() if key != "federal"]


@dataclass(frozen=True)
class CampaignReport:
    campaign: Campaign
    total: int
    first: object
    last: object
    categories: list[tuple[str, str, int]]
    months: list[tuple[object, int]]
    organizations: list[dict]
    reasons: list[dict]
    out_of_state: int
    federal: int
    flagged_total: int
    home_state: str  # the one state of every agency, or "" when they span several
    agencies: list[AgencyRow]
    hotlist: Hotlist
    sharing: Topology
    time_zone: str = UTC  # the agencies' one zone, or UTC when they span several
    zones: dict[int, str] = field(default_factory=dict)  # request id -> its agency's zone

    @cached_property
    def charts(self) -> ReportCharts:
        return report_charts(self)

    @property
    def findings(self) -> list[tuple[AgencyRow, Finding]]:
        return [(row, finding) for row in self.agencies for finding in row.findings]

    @property
    def zone_note(self) -> str:
        if self.time_zone == UTC and len(set(self.zones.values())) > 1:
            return "times in UTC: the agencies are in several zones"
        return f"times in {self.time_zone}"

    @property
    def reporting(self) -> int:
        """Agencies whose audit log has been imported."""
        return sum(1 for row in self.agencies if row.tally.total)


def campaign_requests(campaign: Campaign) -> list[RecordsRequest]:
    return list(campaign.requests.select_related("agency__jurisdiction__parent")
                .order_by("agency__jurisdiction__code", "agency__name"))


def campaign_report_for(campaign: Campaign) -> CampaignReport:
    requests = campaign_requests(campaign)
    homes = {r.pk: r.agency.jurisdiction.state_code for r in requests}
    zones = zones_of(requests)
    zone = next(iter(set(zones.values()))) if len(set(zones.values())) == 1 else UTC
    events = SearchEvent.objects.filter(request__campaign=campaign)
    tallies = _tallies(events, homes)
    hotlist = _hotlist(HotlistEvent.objects.filter(request__campaign=campaign), related=("request__agency",))
    relations = SharingRelation.objects.filter(request__campaign=campaign)
    partners = _partner_groups(relations)
    marked = relations.filter(kind__in=MARKED_KINDS).select_related("request__agency").order_by(
        "request__agency__name", "kind", "organization")
    rows = _agency_rows(requests, tallies, partners, hotlist.sensitive)
    total = Tally()
    for tally in tallies.values():
        total.merge(tally)
    states = set(homes.values())
    return CampaignReport(
        campaign=campaign, total=total.total, first=total.first, last=total.last, categories=total.category_rows(),
        months=_months(events, zone), organizations=_organizations(events), reasons=_reasons(events),
        out_of_state=total.out_of_state, federal=total.federal, flagged_total=total.flagged,
        home_state=states.pop() if len(states) == 1 else "", agencies=rows, hotlist=hotlist,
        sharing=_topology(partners, marked), time_zone=zone, zones=zones,
    )


def _agency_rows(requests: list[RecordsRequest], tallies: dict[int, Tally], partners: list[dict],
                 hotlist_sensitive: dict[int, int]) -> list[AgencyRow]:
    by_request: dict[int, list[dict]] = defaultdict(list)
    for group in partners:
        by_request[group["request"]].append(group)
    rows = []
    for request in requests:
        home, tally, groups = request.agency.jurisdiction.state_code, tallies[request.pk], by_request[request.pk]
        findings = _findings(home, tally, hotlist_sensitive.get(request.pk, 0), _outside_partners(groups, home))
        rows.append(AgencyRow(request, home, tally, sum(g["n"] for g in groups), findings))
    return rows


def campaign_flagged(campaign: Campaign) -> QuerySet[SearchEvent]:
    return (SearchEvent.objects.filter(request__campaign=campaign).exclude(categories="")
            .annotate(rules_version=F("audit_import__rules_version"))
            .select_related("request__agency__jurisdiction__parent").order_by("request_id", "searched_at"))
