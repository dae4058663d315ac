"""Making, checking and revoking API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from requests_app.api.models import ApiToken
from requests_app.teams.models import Membership

PREFIX = "rr_"
# Writing last_used_at on every call would turn each read into a write; once a minute tells
# an owner whether a token is still in use.
TOUCH_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, membership: Membership, name: str) -> tuple[ApiToken, str]:
    """A new token for the member's organization; the raw token is returned once, never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(organization=membership.organization, user=membership.user,
                                    name=name.strip()[:100] or "API token", prefix=raw[:10], digest=digest(raw))
    return token, raw


def token_revoke(*, token: ApiToken, now: datetime) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(revoked_at=now)


def active_token(raw: str) -> tuple[ApiToken, Membership] | None:
    """The live token and its user's current membership, or None (unknown, revoked, or the
    user no longer a member). The digest is looked up, so no comparison leaks timing."""
    token = ApiToken.objects.select_related("organization", "user").filter(digest=digest(raw), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    membership = Membership.objects.filter(user=token.user, organization=token.organization).select_related(
        "organization", "user").first()
    if membership is None:
        return None
    _touch(token)
    return token, membership


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
