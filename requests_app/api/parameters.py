"""The request list's filters (web/request_list.py) as schema parameters: the list and its
CSV export read the same ones, and refuse a bad value (400)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from requests_app.records.bounds import MAX_ID
from requests_app.records.models import Status
from requests_app.web.request_list import SORTS


def _id(name: str, description: str) -> OpenApiParameter:
    # Typed as a bounded integer: a number past any id is refused, not looked up.
    return OpenApiParameter(name, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description=description)


REQUEST_FILTERS = [
    OpenApiParameter("status", str, enum=Status.values, many=True, description="One or more statuses."),
    OpenApiParameter("state", str, description="A state code such as WA: its agencies and those of its places."),
    _id("agency", "An agency's id."),
    _id("campaign", "A campaign's id."),
    _id("agency_set", "One of your organization's agency sets, by id."),
    OpenApiParameter("owner", str, pattern=r"^(none|[1-9][0-9]{0,18})$",
                     description='A member\'s user id, or "none" for requests nobody owns.'),
    OpenApiParameter("tag", str, description="A tag's name (any case)."),
    OpenApiParameter("due_from", OpenApiTypes.DATE, description="Response due on or after (1900-01-01 to 2200-12-31)."),
    OpenApiParameter("due_to", OpenApiTypes.DATE, description="Response due on or before (1900-01-01 to 2200-12-31)."),
    OpenApiParameter("has_documents", str, enum=["yes", "no"]),
    OpenApiParameter("sort", str, enum=[key for key, _label in SORTS], description="Default: -created."),
]
