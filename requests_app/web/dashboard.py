"""Reads for an organization's dashboard: one query per block, however many requests or
campaigns there are (counts come from grouped and conditional aggregates, lists are cut short)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from requests_app.campaigns.models import Campaign
from requests_app.correspondence.models import Communication, Fee
from requests_app.correspondence.selectors import with_fee_summary
from requests_app.correspondence.services import FeeTotals, fee_totals
from requests_app.deadlines.models import RequestClock
from requests_app.deadlines.selectors import running_clocks
from requests_app.documents.models import RequestDocument
from requests_app.ops.lookups import ConstantIn
from requests_app.records.models import AWAITING_ANSWER, CLOSED, WAITING_ON_US, RecordsRequest, Status
from requests_app.teams.models import Organization

LIST_LENGTH = 10


@dataclass(frozen=True)
class StatusGroup:
    key: str
    label: str
    statuses: frozenset[Status]


# The campaign table's columns; every status falls in exactly one group.
STATUS_GROUPS = (
    StatusGroup("draft", "Draft", frozenset({Status.DRAFT})),
    StatusGroup("awaiting", "Sent / awaiting", AWAITING_ANSWER),
    StatusGroup("waiting_on_us", "Waiting on us", WAITING_ON_US),
    StatusGroup("closed", "Closed", CLOSED),
    StatusGroup("denied", "Denied / appealed", frozenset({Status.DENIED, Status.APPEALED, Status.LITIGATION})),
)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class DueSummary:
    overdue_count: int
    due_soon_count: int
    overdue: list[RequestClock]
    due_soon: list[RequestClock]


@dataclass(frozen=True)
class GroupRow:
    """Request counts by status group: a campaign's, or one state's within a campaign."""

    label: str
    counts: list[int]  # in STATUS_GROUPS order

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(column label, count) for each status group."""
        return [(group.label, n) for group, n in zip(STATUS_GROUPS, self.counts)]


@dataclass(frozen=True)
class CampaignProgress:
    pk: int
    row: GroupRow
    states: list[GroupRow]
    fees: FeeTotals


@dataclass(frozen=True)
class Dashboard:
    statuses: list[StatusCount]
    due: DueSummary
    waiting_on_us: list[RecordsRequest]
    replies: list[Communication]
    documents: list[RequestDocument]
    campaigns: list[CampaignProgress]

    @property
    def waiting_on_us_count(self) -> int:
        return sum(s.count for s in self.statuses if s.status in WAITING_ON_US)


def dashboard(*, organization: Organization, today: date) -> Dashboard:
    return Dashboard(
        statuses=status_counts(organization=organization),
        due=due_summary(organization=organization, today=today),
        waiting_on_us=waiting_on_us(organization=organization),
        replies=recent_replies(organization=organization),
        documents=recent_documents(organization=organization),
        campaigns=campaign_progress(organization=organization),
    )


def status_counts(*, organization: Organization) -> list[StatusCount]:
    """Every status, in lifecycle order, with how many of the organization's requests have it."""
    # COUNT(*), not of the id, so PostgreSQL can count from the (organization, status) index.
    rows = RecordsRequest.objects.filter(organization=organization).values("status").annotate(n=Count("*"))
    counts = {row["status"]: row["n"] for row in rows.order_by()}
    return [StatusCount(status.value, status.label, counts.get(status.value, 0)) for status in Status]


def due_summary(*, organization: Organization, today: date) -> DueSummary:
    week_end = today + timedelta(days=7)
    clocks = running_clocks(organization)
    overdue, due_soon = Q(response_due__lt=today), Q(response_due__gte=today, response_due__lte=week_end)
    # Counting a column of the index (not the id) keeps it an index-only scan on PostgreSQL.
    counts = clocks.filter(response_due__lte=week_end).aggregate(
        overdue=Count("response_due", filter=overdue), due_soon=Count("response_due", filter=due_soon))
    rows = clocks.select_related("request__agency__jurisdiction__parent").order_by("response_due", "pk")
    return DueSummary(
        overdue_count=counts["overdue"], due_soon_count=counts["due_soon"],
        overdue=list(rows.filter(overdue)[:LIST_LENGTH]), due_soon=list(rows.filter(due_soon)[:LIST_LENGTH]),
    )


def waiting_on_us(*, organization: Organization) -> list[RecordsRequest]:
    """Requests the agency has paused for us (clarification or a fee), longest waiting first."""
    # ConstantIn: so SQLite too reads the clock_org_waiting_on_us index (see ops.lookups).
    clocks = (RequestClock.objects.filter(ConstantIn(F("request_status"), WAITING_ON_US), organization=organization)
              .select_related("request__agency__jurisdiction__parent")
              .order_by(F("paused_on").asc(nulls_last=True), "request_id")[:LIST_LENGTH])
    return [_with_clock(clock) for clock in clocks]


def _with_clock(clock: RequestClock) -> RecordsRequest:
    request = clock.request
    request.clock = clock  # the reverse one-to-one, so the template's request.clock costs nothing
    return request


def recent_replies(*, organization: Organization) -> list[Communication]:
    rows = (Communication.objects.filter(request__organization=organization,
                                         direction=Communication.Direction.FROM_AGENCY)
            .select_related("request__agency").order_by("-occurred_on", "-logged_at"))
    return list(rows[:LIST_LENGTH])


def recent_documents(*, organization: Organization) -> list[RequestDocument]:
    # The organization as an EXISTS on the request, not a join's condition: joined, SQLite
    # starts from the organization's requests (all 50,000) and sorts their documents; this
    # way it reads the request_document_recent index newest first until ten are the
    # organization's, as PostgreSQL does.
    of_organization = RecordsRequest.objects.filter(pk=OuterRef("request_id"), organization=organization)
    rows = (RequestDocument.objects.filter(Exists(of_organization))
            .select_related("document", "request__agency").order_by("-added_at", "-pk"))
    return list(rows[:LIST_LENGTH])


def _group_counts(prefix: str = "") -> dict[str, Count]:
    return {g.key: Count(f"{prefix}pk", filter=Q(**{f"{prefix}status__in": g.statuses})) for g in STATUS_GROUPS}


def _counts(row: dict) -> list[int]:
    return [row[g.key] for g in STATUS_GROUPS]


def campaign_progress(*, organization: Organization) -> list[CampaignProgress]:
    """Each campaign's requests by status group, by state, and its fees; newest campaign first."""
    campaigns = list(Campaign.objects.filter(organization=organization).order_by("-created_at", "-pk")
                     .values("pk", "title").annotate(**_group_counts("requests__")))
    # Their requests by the campaigns' ids, as values: by the organization's index they would be
    # read out of all its requests (50,000 for a few hundred), and as a subquery PostgreSQL
    # cannot estimate them and compiles the fees' query (JIT), which alone took 35 ms.
    requests = RecordsRequest.objects.filter(campaign_id__in=[c["pk"] for c in campaigns])
    states, fees = _campaign_states(requests), _campaign_fees(requests)
    return [
        CampaignProgress(pk=c["pk"], row=GroupRow(c["title"], _counts(c)), states=states.get(c["pk"], []),
                         fees=fees.get(c["pk"]) or fee_totals([]))
        for c in campaigns
    ]


def _campaign_states(requests: QuerySet[RecordsRequest]) -> dict[int, list[GroupRow]]:
    # A local agency's state is its jurisdiction's parent; a state or federal agency has none.
    state = Coalesce("agency__jurisdiction__parent__code", "agency__jurisdiction__code")
    rows = requests.values("campaign_id", state_code=state).annotate(**_group_counts()).order_by("campaign_id", "state_code")
    by_campaign: dict[int, list[GroupRow]] = defaultdict(list)
    for row in rows:
        by_campaign[row["campaign_id"]].append(GroupRow(row["state_code"], _counts(row)))
    return by_campaign


def _campaign_fees(requests: QuerySet[RecordsRequest]) -> dict[int, FeeTotals]:
    """Summed in SQL with the campaign page's own rules (fee_summary: the latest estimate, the
    latest waiver decision), per request and then per campaign, in one query."""
    with_fees = requests.filter(Exists(Fee.objects.filter(request=OuterRef("pk"))))
    rows = (with_fee_summary(with_fees).values("campaign_id").order_by("campaign_id")
            .annotate(**{name: Sum(f"fees_{name}") for name in ("estimated", "invoiced", "paid", "owed")}))
    return {row.pop("campaign_id"): FeeTotals(**row) for row in rows}
