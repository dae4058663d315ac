"""The request list's filters and sorting, read from GET parameters, and what its pages show.

One place turns a query string into a queryset, so the list page, its exports and an API
answer the same question the same way. A bad value is reported and ignored, never raised.
The list reads across apps (clocks for due dates, documents, campaigns, agency sets), so it
lives above them; what needs only records is in requests_app/records/listing.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, Func, OrderBy, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict

from requests_app.agencies.models import Agency, AgencySet
from requests_app.agencies.sets import agency_ids_in_set, sets_of
from requests_app.campaigns.models import Campaign
from requests_app.deadlines.models import RequestClock
from requests_app.documents.models import RequestDocument
from requests_app.outbox.selectors import with_latest_email
from requests_app.records.bounds import DATE_RANGE_MESSAGE, MAX_ID, date_in_range, parse_id
from requests_app.records.listing import agency_ids_of
from requests_app.records.models import RecordsRequest, Status, Tag
from requests_app.records.selectors import requests_of
from requests_app.teams.models import Organization, User

PAGE_SIZE = 50
DEFAULT_SORT = "-created"
_STATUSES = {s.value for s in Status}
# An agency's state (Jurisdiction.state_code) in SQL: a local's parent's, else its own.
_STATE_CODE = Coalesce("jurisdiction__parent__code", "jurisdiction__code")
_SORT_FIELDS: dict[str, F | Func] = {
    "tracking": F("tracking"),
    "agency": F("agency__name"),
    "state": Coalesce("agency__jurisdiction__parent__code", "agency__jurisdiction__code"),
    "status": F("status"),
    "sent": F("sent_at"),
    "due": F("clock__response_due"),
    "updated": F("updated_at"),
    "created": F("created_at"),
}
# Dates that can be blank are sorted with blanks last either way, the same on SQLite and
# PostgreSQL. Only those: NULLS LAST on a column that is never null would stop PostgreSQL
# from reading the order off an index (request_org_created for the default order).
_BLANK_LAST = {"sent", "due"}
SORTS: list[tuple[str, str]] = [
    ("-created", "Newest first"), ("created", "Oldest first"),
    ("tracking", "Tracking reference"), ("agency", "Agency"), ("state", "State"), ("status", "Status"),
    ("sent", "Sent, oldest first"), ("-sent", "Sent, newest first"),
    ("due", "Due, soonest first"), ("-due", "Due, latest first"),
    ("-updated", "Recently updated"), ("updated", "Least recently updated"),
]
_SORT_KEYS = {key for key, _ in SORTS}

Requests = QuerySet[RecordsRequest]
Filter = Callable[[Requests, QueryDict, list[str], Organization], Requests]


def filtered_requests(*, organization: Organization, params: QueryDict) -> tuple[QuerySet[RecordsRequest], list[str]]:
    """The organization's requests matching ``params``, sorted; and a message per value ignored."""
    errors: list[str] = []
    requests = requests_of(organization)
    for apply in _FILTERS:
        requests = apply(requests, params, errors, organization)
    return _sorted(requests, params.get("sort", ""), errors), errors


def for_list_page(requests: QuerySet[RecordsRequest]) -> QuerySet[RecordsRequest]:
    """What the list's table shows beyond the request itself, in a fixed number of queries.

    Applied to one page's requests (list_page): the state and due date are worked out by
    subqueries for those rows only. The letter is left out: the table never shows it, and
    it is most of a row's size.
    """
    state = Agency.objects.filter(pk=OuterRef("agency_id")).values(code=_STATE_CODE).order_by()
    due = RequestClock.objects.filter(request=OuterRef("pk")).values("response_due")
    return (with_latest_email(requests, kind=RecordsRequest.email_kind)
            .select_related("owner").prefetch_related("tags").defer("letter_text")
            .annotate(state_code=Subquery(state), response_due=Subquery(due)))


def list_page(*, organization: Organization, requests: QuerySet[RecordsRequest], number: object) -> Page:
    """One page of the list, in two queries: the page's ids, sorted from narrow rows; then
    those requests with what the table shows (for_list_page).

    Sorting by a joined column (the agency's name or state, the due date) sorts every
    request of the organization; with whole rows and their joins that took 150 ms at
    50,000 requests, with ids alone about 35 ms.
    """
    page = Paginator(requests.values_list("pk", flat=True), PAGE_SIZE).get_page(number)
    ids = list(page.object_list)
    rows = {r.pk: r for r in for_list_page(requests_of(organization).filter(pk__in=ids))}
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page


# Filters: each reads its parameter, narrows the queryset or records why it did not -----


def _statuses(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    wanted = [s for s in params.getlist("status") if s]
    unknown = [s for s in wanted if s not in _STATUSES]
    if unknown:
        errors.append(f"Unknown status {', '.join(map(repr, unknown))} ignored.")
    known = [s for s in wanted if s in _STATUSES]
    return requests.filter(status__in=known) if known else requests


def _state(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    code = params.get("state", "").strip().upper()
    if not code:
        return requests
    if not (code.isalpha() and 2 <= len(code) <= 3):
        errors.append(f"State {code!r} is not a state code such as TX; ignored.")
        return requests
    # The agencies of that state, or of a place in it: a local agency's state is its
    # jurisdiction's parent, a state agency's its own jurisdiction.
    agencies = Agency.objects.filter(Q(jurisdiction__parent__code=code)
                                     | Q(jurisdiction__parent__isnull=True, jurisdiction__code=code))
    return requests.filter(agency__in=agencies.values("pk"))


def _id_filter(name: str, label: str, lookup: str) -> Filter:
    def apply(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
        value = params.get(name, "").strip()
        if not value:
            return requests
        pk = parse_id(value)
        if pk is None:
            errors.append(f"{label} {value!r} is not a valid choice (an id from 1 to {MAX_ID}); ignored.")
            return requests
        return requests.filter(**{lookup: pk})

    return apply


def _owner(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    value = params.get("owner", "").strip()
    if value == "none":
        return requests.filter(owner__isnull=True)
    return _id_filter("owner", "Owner", "owner_id")(requests, params, errors, organization)


def _tag(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    name = params.get("tag", "").strip()
    if not name:
        return requests
    tagged = RecordsRequest.tags.through.objects.filter(tag__organization=organization, tag__name__iexact=name)
    return requests.filter(pk__in=tagged.values("recordsrequest_id"))


def _due(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    due_from, due_to = _date(params, "due_from", "Due from", errors), _date(params, "due_to", "Due to", errors)
    if due_from and due_to and due_from > due_to:
        errors.append("The due date range ends before it starts; ignored.")
        return requests
    if due_from:
        requests = requests.filter(clock__response_due__gte=due_from)
    if due_to:
        requests = requests.filter(clock__response_due__lte=due_to)
    return requests


def _date(params: QueryDict, name: str, label: str, errors: list[str]) -> date | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    try:
        typed = date.fromisoformat(value)
        date_in_range(typed)
    except ValueError:
        errors.append(f"{label} {value!r} is not a date such as 2026-12-31; ignored.")
        return None
    except ValidationError:
        errors.append(f"{label} {value!r}: {DATE_RANGE_MESSAGE} Ignored.")
        return None
    return typed


def _has_documents(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    value = params.get("has_documents", "").strip().lower()
    if not value:
        return requests
    if value not in ("yes", "no"):
        errors.append(f"Has documents {value!r} should be yes or no; ignored.")
        return requests
    filed = Exists(RequestDocument.objects.filter(request=OuterRef("pk")))
    return requests.filter(filed if value == "yes" else ~filed)


def _agency_set(requests: Requests, params: QueryDict, errors: list[str], organization: Organization) -> Requests:
    value = params.get("agency_set", "").strip()
    if not value:
        return requests
    pk = parse_id(value)
    agency_set = sets_of(organization).filter(pk=pk).first() if pk is not None else None
    if agency_set is None:
        errors.append(f"Agency set {value!r} is not one of your organization's sets; ignored.")
        return requests
    # The set's agencies as a subquery: the database works them out, however many there are.
    return requests.filter(agency__in=agency_ids_in_set(agency_set))


_FILTERS: list[Filter] = [
    _statuses, _state, _id_filter("agency", "Agency", "agency_id"), _id_filter("campaign", "Campaign", "campaign_id"),
    _tag, _owner, _due, _has_documents, _agency_set,
]


def _sorted(requests: QuerySet[RecordsRequest], sort: str, errors: list[str]) -> QuerySet[RecordsRequest]:
    sort = sort.strip()
    if sort and sort not in _SORT_KEYS:
        errors.append(f"Unknown sort {sort!r}; showing newest first.")
    key = sort if sort in _SORT_KEYS else DEFAULT_SORT
    descending, name = key.startswith("-"), key.lstrip("-")
    field, blank_last = _SORT_FIELDS[name], name in _BLANK_LAST or None
    order: OrderBy = field.desc(nulls_last=blank_last) if descending else field.asc(nulls_last=blank_last)
    # The primary key breaks ties, so a page never repeats or skips a request.
    return requests.order_by(order, "-pk" if descending else "pk")


# What the filter form offers -----------------------------------------------------------


@dataclass(frozen=True)
class ListChoices:
    agencies: list[tuple[int, str]]  # (id, "name (state)"), as Agency's str() writes it
    campaigns: list[Campaign]
    tags: list[Tag]
    members: list[User]
    states: list[tuple[str, str]]  # (code, name), by name
    agency_sets: list[AgencySet]


def list_choices(*, organization: Organization) -> ListChoices:
    """The values the filter form and bulk actions offer: only what this organization uses."""
    # Columns, not agencies: an organization may have written to thousands.
    agencies = list(Agency.objects.filter(pk__in=agency_ids_of(organization)).order_by("name", "pk")
                    .values_list("pk", "name", _STATE_CODE, Coalesce("jurisdiction__parent__name", "jurisdiction__name")))
    return ListChoices(
        agencies=[(pk, f"{name} ({code})") for pk, name, code, _ in agencies],
        campaigns=list(Campaign.objects.filter(organization=organization).order_by("title")),
        tags=list(Tag.objects.filter(organization=organization)),
        members=list(User.objects.filter(memberships__organization=organization).order_by("username")),
        states=sorted({(code, state) for _, _, code, state in agencies}, key=lambda state: state[1]),
        agency_sets=list(sets_of(organization).only("pk", "name")),
    )
