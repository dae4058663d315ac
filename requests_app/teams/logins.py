"""Login limits as members see them: who is locked out after failed logins, and an owner's
unlock. The counting itself is django-axes' (settings: LOGIN_FAILURE_LIMIT,
LOGIN_LOCKOUT_MINUTES)."""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db.models import Sum

from requests_app.teams.members import MemberChangeRefused, _lock_as_owner
from requests_app.teams.models import Membership, Organization, User


def locked_out(*, usernames: list[str], now: datetime) -> set[str]:
    """The usernames whose failed logins within the lockout time reach the limit."""
    if not settings.AXES_ENABLED:
        return set()
    recent = (AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
              .values("username").annotate(failures=Sum("failures_since_start")))
    return {row["username"] for row in recent if row["failures"] >= settings.AXES_FAILURE_LIMIT}


def unlock_member(*, organization: Organization, by: User, membership: Membership) -> int:
    """Clears a member's failed logins so they can log in again at once; the number cleared."""
    _lock_as_owner(organization=organization, user=by)
    if membership.organization_id != organization.pk:
        raise MemberChangeRefused(f"That person is not a member of {organization.name}.")
    return reset(username=membership.user.username)
