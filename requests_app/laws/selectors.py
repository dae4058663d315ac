from __future__ import annotations

from django.db.models import QuerySet

from requests_app.laws.models import Jurisdiction, PublicRecordsLaw


def laws_list() -> QuerySet[PublicRecordsLaw]:
    return (
        PublicRecordsLaw.objects.select_related("jurisdiction")
        .prefetch_related("deadlines")
        .order_by("jurisdiction__kind", "jurisdiction__name")
    )


def jurisdiction_with_law(*, code: str) -> Jurisdiction:
    """Raises Jurisdiction.DoesNotExist for unknown codes."""
    return Jurisdiction.objects.select_related("parent", "law").get(code=code.upper())


def state_choices() -> list[tuple[str, str]]:
    """(code, name) of the states, DC and the federal government, in the order of the names
    a person reads (Alabama, Alaska, ...; by code, Alaska would come first)."""
    return list(
        Jurisdiction.objects.exclude(kind=Jurisdiction.Kind.LOCAL)
        .order_by("name")
        .values_list("code", "name")
    )
