from __future__ import annotations

from django.http import HttpRequest

from requests_app.teams.selectors import memberships_of


def organization(request: HttpRequest) -> dict[str, object]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"current_membership": None, "current_organization": None}
    return {
        "current_membership": membership,
        "current_organization": membership.organization,
        # Evaluated only by templates that draw the organization switcher.
        "all_memberships": lambda: memberships_of(user=request.user),
    }
