from __future__ import annotations

from django.http import HttpRequest


def organization(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"current_membership": None, "current_organization": None}
    return {
        "current_membership": membership,
        "current_organization": membership.organization,
        # Read by the middleware already: the organization switcher costs no query.
        "all_memberships": request.memberships,
    }
