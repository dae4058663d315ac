from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from requests_app.agencies.models import Agency, AlprVendor, name_key


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    state: str = ""
    kind: str = ""
    vendor: str = ""


def agency_search(filters: DirectoryFilters) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("jurisdiction__parent").prefetch_related("vendors")
    if filters.q:
        agencies = agencies.filter(name_key__contains=name_key(filters.q))
    if filters.state:
        code = filters.state.upper()
        agencies = agencies.filter(Q(jurisdiction__code=code) | Q(jurisdiction__parent__code=code))
    if filters.kind:
        agencies = agencies.filter(kind=filters.kind)
    if filters.vendor:
        agencies = agencies.filter(vendors__name=filters.vendor)
    return agencies.order_by("name", "jurisdiction__code")


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
