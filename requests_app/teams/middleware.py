"""Puts the user's current organization on every request.

Every page shows one organization's data. The choice is kept in the session and checked
against the user's memberships on each request, so removing a membership takes effect
at once and a forged session value can never reach another organization.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from requests_app.teams.selectors import current_membership, memberships_of

SESSION_KEY = "organization_id"


class CurrentOrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.organization = None
        request.memberships = []
        if request.user.is_authenticated:
            request.memberships = list(memberships_of(user=request.user))
            membership = current_membership(
                memberships=request.memberships, organization_id=request.session.get(SESSION_KEY)
            )
            if membership is not None:
                request.membership = membership
                request.organization = membership.organization
        return self.get_response(request)


def remember_organization(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """At login, the organization the user starts in is kept in the session, so that losing
    that membership later can be explained (teams.permissions.organization_required)."""
    if request is None or SESSION_KEY in request.session:
        return
    membership = current_membership(memberships=list(memberships_of(user=user)), organization_id=None)
    if membership is not None:
        request.session[SESSION_KEY] = membership.organization_id
