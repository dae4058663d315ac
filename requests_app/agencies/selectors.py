from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from requests_app.agencies.directory import parse_short_name, state_codes_in_name
from requests_app.agencies.federal_names import is_federal
from requests_app.agencies.models import Agency, AgencyAlias, AlprVendor, name_key
from requests_app.agencies.search import SearchQuery, search_condition, search_rank


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    state: str = ""
    kind: str = ""
    vendor: str = ""
    # None: either way.
    has_records_portal: bool | None = None
    has_flock_portal: bool | None = None
    in_flock_network: bool | None = None
    # Agencies of unknown population are outside any range.
    population_min: int | None = None
    population_max: int | None = None


def agency_search(filters: DirectoryFilters) -> QuerySet[Agency]:
    """The directory's agencies the filters match: by name, or best match first when searching
    (see requests_app.agencies.search)."""
    agencies = Agency.objects.select_related("jurisdiction__parent").prefetch_related("vendors")
    agencies = agencies.filter(directory_condition(filters))
    by_name = ("name", "jurisdiction__code", "pk")
    if not filters.q.strip():
        return agencies.order_by(*by_name)
    return agencies.alias(search_rank=search_rank(filters.q)).order_by("search_rank", *by_name)


@dataclass(frozen=True)
class AgencyMatches:
    query: str
    agencies: list[Agency]
    more: bool  # more agencies match than were returned


def agency_matches(*, query: str, limit: int) -> AgencyMatches:
    """The directory search's ``limit`` best matches, for a form that picks agencies.

    A blank query matches nothing here, where the directory page would list every agency:
    a picker never offers the whole directory.
    """
    query = " ".join(query.split())
    if SearchQuery.of(query).empty:
        return AgencyMatches(query=query, agencies=[], more=False)
    found = list(agency_search(DirectoryFilters(q=query)).prefetch_related(None)[:limit + 1])
    return AgencyMatches(query=query, agencies=found[:limit], more=len(found) > limit)


def directory_condition(filters: DirectoryFilters) -> Q:
    """The agencies the filters match, as one condition, so the directory page and saved
    agency sets (which add their hand-picked agencies to it) filter alike.

    The search and the vendor are subqueries rather than joins, so no agency comes back
    twice whatever the condition is combined with.
    """
    condition = Q()
    if filters.q:
        condition &= search_condition(filters.q)
    if filters.state:
        code = filters.state.upper()
        condition &= Q(jurisdiction__code=code) | Q(jurisdiction__parent__code=code)
    if filters.kind:
        condition &= Q(kind=filters.kind)
    if filters.vendor:
        using = Agency.vendors.through.objects.filter(alprvendor__name=filters.vendor)
        condition &= Q(pk__in=using.values("agency_id"))
    if filters.has_records_portal is not None:
        condition &= _has_url("portal_url", filters.has_records_portal)
    if filters.has_flock_portal is not None:
        condition &= _has_url("flock_portal_url", filters.has_flock_portal)
    if filters.in_flock_network is not None:
        condition &= Q(in_flock_network=filters.in_flock_network)
    if filters.population_min is not None:
        condition &= Q(population__gte=filters.population_min)
    if filters.population_max is not None:
        condition &= Q(population__lte=filters.population_max)
    return condition


def _has_url(field: str, wanted: bool) -> Q:
    blank = Q(**{field: ""})
    return ~blank if wanted else blank


def vendor_names() -> list[str]:
    return list(AlprVendor.objects.order_by("name").values_list("name", flat=True))


def agency_detail(*, pk: int) -> Agency:
    """Raises Agency.DoesNotExist."""
    return (
        Agency.objects.select_related("jurisdiction__parent", "jurisdiction__law")
        .prefetch_related("vendors", "jurisdiction__law__deadlines")
        .get(pk=pk)
    )


def directory_counts() -> dict[str, int]:
    return {"agencies": Agency.objects.count(), "vendors": AlprVendor.objects.count()}


# Names seen elsewhere -----------------------------------------------------------------

_CHUNK = 900


def agency_for_name(name: str, state: str | None = None) -> Agency | None:
    """The agency an organization name stands for, as audit logs and sharing lists spell it
    ("Eugene PD OR", "[Federal] US Postal Inspection Service"); None when unknown or ambiguous.

    ``state`` narrows the search where the name does not carry its state.
    """
    return agencies_for_names([name], state=state)[name]


def agencies_for_names(names: Iterable[str], *, state: str | None = None) -> dict[str, Agency | None]:
    """agency_for_name for many names in a fixed number of queries (an audit log names hundreds)."""
    wanted = {name: _NameLookup.of(name, state) for name in dict.fromkeys(names)}
    candidates = _candidates({key for lookup in wanted.values() for key in lookup.keys})
    chosen = {name: lookup.pick(candidates) for name, lookup in wanted.items()}
    agencies = Agency.objects.select_related("jurisdiction__parent").in_bulk({pk for pk in chosen.values() if pk})
    return {name: agencies.get(pk) if pk else None for name, pk in chosen.items()}


@dataclass(frozen=True)
class _NameLookup:
    key: str  # the name as written
    state: str  # the caller's state ("US" for a federal name); "" when not given
    spelled_out: tuple[tuple[str, str], ...]  # (state, key) of Flock's short form read for each state the name may mean

    @classmethod
    def of(cls, name: str, state: str | None) -> _NameLookup:
        state = (state or "").upper()
        federal = is_federal(name)
        spelled_out = []
        for code in [state] if state else state_codes_in_name(name) or [""]:
            clean = parse_short_name(name, code)
            scope = "US" if federal else clean.state
            if scope:
                spelled_out.append((scope, name_key(clean.name)))
        return cls(key=name_key(name), state="US" if federal and state else state, spelled_out=tuple(spelled_out))

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, *(key for _, key in self.spelled_out))

    def pick(self, candidates: dict[str, set[tuple[int, str]]]) -> int | None:
        """The one agency by the name as written (an alias hit wins), else by its spelled-out form."""
        found = candidates.get(self.key, set())
        if self.state:
            found = {c for c in found if c[1] == self.state}
        if len({pk for pk, _ in found}) > 1:
            found = {c for c in found if c[1] in {s for s, _ in self.spelled_out}}
        if len({pk for pk, _ in found}) == 1:
            return next(iter(found))[0]
        for state, key in self.spelled_out:
            pks = {pk for pk, code in candidates.get(key, set()) if code == state}
            if len(pks) == 1:
                return pks.pop()
        return None


def _candidates(keys: set[str]) -> dict[str, set[tuple[int, str]]]:
    """(agency id, state code) of each agency whose name or alias has one of the keys."""
    found: dict[str, set[tuple[int, str]]] = defaultdict(set)
    state = Coalesce("jurisdiction__parent__code", "jurisdiction__code")
    alias_state = Coalesce("agency__jurisdiction__parent__code", "agency__jurisdiction__code")
    ordered = sorted(keys - {""})
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        for key, pk, code in Agency.objects.filter(name_key__in=chunk).values_list("name_key", "pk", state):
            found[key].add((pk, code))
        aliases = AgencyAlias.objects.filter(name_key__in=chunk).values_list("name_key", "agency_id", alias_state)
        for key, pk, code in aliases:
            found[key].add((pk, code))
    return found
