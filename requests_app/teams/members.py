"""Members of an organization: invitations by emailed link, roles, and removal.

Only owners manage members, and an organization always keeps at least one owner. Inviting
(the invitation and its email together) is done by ``workflow/invitations.py``. Every
change locks the organization's row first, so two owners demoting each other at the
same moment cannot leave it with none.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from requests_app.teams.models import Invitation, Membership, Organization, Role, User

INVITATION_LIFETIME = timedelta(days=7)


class MemberChangeRefused(ValueError):
    """A change the rules forbid; the message is written for the page."""


class InvitationRefused(ValueError):
    """A link that cannot be used (unknown, expired, withdrawn or used); the message is for the page."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("invitation-accept", args=[token])


# Reads ------------------------------------------------------------------------------


def invitation_for_token(token: str) -> Invitation | None:
    # Looked up by its hash through the unique index rather than compared in Python: any
    # timing difference can only reveal a prefix of a sha256, which does not help anyone
    # find a 256-bit token that hashes to it.
    return (
        Invitation.objects.select_related("organization", "invited_by", "accepted_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None, *, now: datetime) -> str | None:
    """Why this invitation cannot be accepted, or None when it can."""
    if invitation is None:
        return "This invitation link is not valid. Check that the whole link was copied, or ask for a new one."
    name = invitation.organization.name
    if invitation.accepted_at is not None:
        return f"This invitation to {name} was already used. Ask an owner of {name} for a new one."
    if invitation.revoked_at is not None:
        return f"This invitation to {name} was withdrawn. Ask an owner of {name} for a new one."
    if now >= invitation.expires_at:
        expired = timezone.localtime(invitation.expires_at)
        on = f"{expired:%B} {expired.day}, {expired.year}"
        return f"This invitation to {name} expired on {on}. Ask an owner of {name} for a new one."
    return None


def pending_invitations(*, organization: Organization, now: datetime) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization, accepted_at=None, revoked_at=None, expires_at__gt=now
    ).select_related("invited_by")


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return organization.memberships.select_related("user").order_by("user__username")


# Writes -----------------------------------------------------------------------------


def _lock_as_owner(*, organization: Organization, user: User) -> None:
    """Serialises member changes of one organization, then checks the caller is (still) an owner."""
    Organization.objects.select_for_update().get(pk=organization.pk)
    if not Membership.objects.filter(organization=organization, user=user, role=Role.OWNER).exists():
        raise PermissionDenied(f"Only an owner of {organization.name} can manage its members.")


def _owner_count(organization: Organization) -> int:
    return Membership.objects.filter(organization=organization, role=Role.OWNER).count()


def _own_membership(organization: Organization, membership: Membership) -> None:
    if membership.organization_id != organization.pk:
        raise PermissionDenied(f"That person is not a member of {organization.name}.")


@transaction.atomic
def invitation_create(
    *, organization: Organization, invited_by: User, email: str, role: str, now: datetime
) -> tuple[Invitation, str]:
    """Stores an invitation and returns it with its raw token, which is kept nowhere: the
    caller puts it in the one email (see ``workflow/invitations.py``)."""
    _lock_as_owner(organization=organization, user=invited_by)
    email = User.objects.normalize_email(email.strip())
    role = Role(role)
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise MemberChangeRefused(f"{email} is already a member of {organization.name}: change their role below.")
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, token_hash=hash_token(token),
        invited_by=invited_by, created_at=now, expires_at=now + INVITATION_LIFETIME,
    )
    return invitation, token


def invitation_message(invitation: Invitation, token: str) -> tuple[str, str]:
    """The subject and body of the invitation's email, with its link."""
    context = {"invitation": invitation, "link": invitation_link(token), "role": Role(invitation.role).label}
    return (render_to_string("emails/invitation_subject.txt", context).strip(),
            render_to_string("emails/invitation.txt", context))


def invitation_sent(*, invitation_id: int, now: datetime) -> None:
    """One working link per person: an emailed invitation replaces any older pending one."""
    invitation = Invitation.objects.select_related("organization").filter(pk=invitation_id).first()
    if invitation is None:  # its organization was deleted while the email went
        return
    (pending_invitations(organization=invitation.organization, now=now).filter(email__iexact=invitation.email)
     .exclude(pk=invitation.pk).update(revoked_at=now))


def invitation_refused(*, invitation_id: int) -> None:
    """An invitation whose email did not go invites nobody: an earlier link still works."""
    Invitation.objects.filter(pk=invitation_id).delete()


@transaction.atomic
def revoke_invitation(*, organization: Organization, by: User, invitation: Invitation, now: datetime) -> Invitation:
    _lock_as_owner(organization=organization, user=by)
    if invitation.organization_id != organization.pk:
        raise PermissionDenied(f"That invitation is not from {organization.name}.")
    Invitation.objects.filter(pk=invitation.pk, accepted_at=None, revoked_at=None).update(revoked_at=now)
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, user: User, now: datetime) -> Membership:
    """Makes `user` a member. The invited address need not be the user's own: whoever holds
    the link was trusted with it, and the page says whose invitation it is."""
    found = invitation_for_token(token)
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("organization").get(pk=found.pk)
        if found else None
    )
    problem = invitation_problem(invitation, now=now)
    if problem:
        raise InvitationRefused(problem)
    organization = invitation.organization
    existing = Membership.objects.filter(organization=organization, user=user).first()
    if existing is not None:
        raise InvitationRefused(
            f"You are already a member of {organization.name} ({existing.get_role_display().lower()})."
        )
    membership = Membership.objects.create(user=user, organization=organization, role=invitation.role)
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def accept_invitation_as_new_user(
    *, token: str, username: str, email: str, password: str, now: datetime
) -> Membership:
    """Creates the account and accepts in one step; a refused link creates no account."""
    user = User.objects.create_user(username=username, email=email, password=password)
    return accept_invitation(token=token, user=user, now=now)


@transaction.atomic
def change_role(*, organization: Organization, by: User, membership: Membership, role: str) -> Membership:
    _lock_as_owner(organization=organization, user=by)
    _own_membership(organization, membership)
    membership.refresh_from_db()
    role = Role(role)
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(organization) == 1:
        raise MemberChangeRefused(
            f"{membership.user} is the only owner of {organization.name}: make someone else an owner first."
        )
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, organization: Organization, by: User, membership: Membership) -> None:
    _lock_as_owner(organization=organization, user=by)
    _own_membership(organization, membership)
    membership.refresh_from_db()
    if membership.role == Role.OWNER and _owner_count(organization) == 1:
        raise MemberChangeRefused(
            f"{membership.user} is the only owner of {organization.name}: make someone else an owner first."
        )
    membership.delete()
