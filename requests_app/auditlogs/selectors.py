"""What a request's imported searches show, for its report page and CSV export."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from requests_app.auditlogs import rules
from requests_app.auditlogs.findings import findings_for
from requests_app.auditlogs.models import SearchEvent, SharingRelation
from requests_app.records.models import RecordsRequest

TOP = 15


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


def _outside(home: str) -> Q:
    return Q(federal=True) | (~Q(organization_state="") & ~Q(organization_state=home))


def report_for(request: RecordsRequest) -> Report:
    events = SearchEvent.objects.filter(request=request)
    home = request.agency.jurisdiction.state_code
    counts = events.aggregate(
        n_total=Count("pk"), n_federal=Count("pk", filter=Q(federal=True)),
        n_out_of_state=Count("pk", filter=~Q(organization_state="") & ~Q(organization_state=home)),
        n_outside=Count("pk", filter=_outside(home)),
        n_sensitive=Count("pk", filter=Q(categories__contains=",immigration,") | Q(categories__contains=",reproductive_health,")),
        **{f"c_{key}": Count("pk", filter=Q(categories__contains=f",{key},")) for key in rules.CATEGORIES},
    )
    span = events.exclude(searched_at=None).order_by("searched_at").values_list("searched_at", flat=True)
    months = (events.exclude(searched_at=None).annotate(month=TruncMonth("searched_at")).values("month")
              .annotate(n=Count("pk")).order_by("month"))
    organizations = (events.exclude(organization="").values("organization", "organization_state", "federal")
                     .annotate(n=Count("pk")).order_by("-n")[:TOP])
    reasons = events.exclude(reason="").values("reason").annotate(n=Count("pk")).order_by("-n")[:TOP]
    return Report(
        total=counts["n_total"], first=span.first(), last=span.last(),
        categories=[(key, label, counts[f"c_{key}"]) for key, label in rules.CATEGORIES.items()],
        months=[(m["month"], m["n"]) for m in months], organizations=list(organizations), reasons=list(reasons),
        out_of_state=counts["n_out_of_state"], federal=counts["n_federal"], home_state=home,
        findings=findings_for(home, outside=counts["n_outside"], immigration_or_reproductive=counts["n_sensitive"],
                              outside_partners=_outside_partners(request, home)),
    )


def _outside_partners(request: RecordsRequest, home: str) -> int:
    relations = SharingRelation.objects.filter(request=request)
    return relations.filter(Q(kind__in=["federal", "private"]) | (~Q(state="") & ~Q(state=home))).count()


def flagged(request: RecordsRequest):
    return SearchEvent.objects.filter(request=request).exclude(categories="").order_by("searched_at")


@dataclass(frozen=True)
class Topology:
    total: int
    by_state: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]
    marked: list  # federal and private partners, named


def sharing_for(request: RecordsRequest) -> Topology:
    relations = SharingRelation.objects.filter(request=request)
    by_state = relations.values("state").annotate(n=Count("pk")).order_by("-n", "state")
    by_kind = relations.values("kind").annotate(n=Count("pk")).order_by("-n")
    return Topology(
        total=relations.count(),
        by_state=[(r["state"] or "unknown", r["n"]) for r in by_state],
        by_kind=[(r["kind"], r["n"]) for r in by_kind],
        marked=list(relations.filter(kind__in=["federal", "private"]).order_by("kind", "organization")),
    )
