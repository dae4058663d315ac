from __future__ import annotations

from django.db.models import QuerySet

from requests_app.teams.models import Membership, User


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization__home_state")


def current_membership(*, memberships: list[Membership], organization_id: object) -> Membership | None:
    """The membership for the chosen organization, else the user's first one."""
    for membership in memberships:
        if membership.organization_id == organization_id:
            return membership
    return memberships[0] if memberships else None
