"""Writes for organizations and memberships."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.text import slugify

from requests_app.laws.models import Jurisdiction
from requests_app.teams.models import Membership, Organization, Role, User

LETTERHEAD_FIELDS = ("name", "home_state", "address", "signer_name", "signer_title", "email", "phone")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organization"
    slug, n = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organization_create(
    *, name: str, owner: User, home_state: Jurisdiction | None = None, slug: str | None = None
) -> Organization:
    organization = Organization.objects.create(
        name=name, slug=slug or _unique_slug(name), home_state=home_state
    )
    Membership.objects.create(user=owner, organization=organization, role=Role.OWNER)
    return organization


def membership_set(*, organization: Organization, user: User, role: Role) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    return membership


def membership_for_switch(*, user: User, organization_id: int) -> Membership:
    """The membership to switch to; raises Membership.DoesNotExist for other teams."""
    return Membership.objects.select_related("organization").get(
        user=user, organization_id=organization_id
    )


def letterhead_update(*, membership: Membership, values: dict[str, object]) -> Organization:
    if not membership.can_manage:
        raise PermissionDenied("Only an owner can change the letterhead.")
    organization = membership.organization
    for field in LETTERHEAD_FIELDS:
        if field in values:
            setattr(organization, field, values[field])
    organization.full_clean()
    organization.save(update_fields=[f for f in LETTERHEAD_FIELDS if f in values])
    return organization
