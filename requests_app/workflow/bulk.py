"""Status moves on many requests at once, chosen on the request list or through the API:
each a full move (requests_app.workflow.status), a refused one skipping that request only.
The bulk actions that stay within a request (owner, tags, reminders) are records.bulk's."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from requests_app.records.bulk import BulkResult
from requests_app.records.lifecycle import TransitionError
from requests_app.records.listing import requests_by_ids
from requests_app.records.models import Status
from requests_app.teams.models import Organization, User
from requests_app.workflow.status import request_transition


def bulk_change_status(
    *, organization: Organization, user: User, request_ids: Iterable[int], to_status: str, reason: str = "",
    on: date | None = None,
) -> BulkResult:
    """Moves each request through the lifecycle; a move it forbids skips that request only."""
    target = Status(to_status)
    result = BulkResult()
    for request in requests_by_ids(organization=organization, request_ids=request_ids):
        if request.status == target:
            result.skipped.append((request, f"{request.tracking} is already {target.label.lower()}."))
            continue
        try:
            request_transition(request=request, to_status=target, user=user, reason=reason, on=on)
        except TransitionError as exc:
            result.skipped.append((request, str(exc)))
        else:
            result.done.append(request)
    return result
