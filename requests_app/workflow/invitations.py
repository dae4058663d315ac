"""Inviting someone into an organization: the invitation and its email, asked of the outbox
together, then delivered by the owner's own request so that the page says whether it went.

The email's body carries the one-use link, the only copy of its raw token: the outbox
forgets the body once the email is sent or failed (``forget_body_as``), so the database then
holds only the token's hash again. A refused email removes the invitation (an earlier link
to the same person keeps working); once sent, it replaces any earlier one.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from requests_app.outbox.kinds import Kind
from requests_app.outbox.models import Email, State
from requests_app.outbox.services import email_deliver, email_enqueue
from requests_app.teams import members
from requests_app.teams.models import Invitation, Organization, User

INVITATION = "invitation"
FORGOTTEN_LINK = "[The invitation link is not kept once the email has gone or failed.]\n"


def invite_member(
    *, organization: Organization, invited_by: User, email: str, role: str, now: datetime
) -> tuple[Invitation, str]:
    """Emails a one-use link and returns the invitation with its raw token.

    Raises ``members.MemberChangeRefused`` with a message for the page when the invitation is
    not allowed, or when the mail server refuses the email (nobody is then invited)."""
    invitation, token, sent = _store(organization=organization, invited_by=invited_by, email=email, role=role,
                                     now=now)
    email_deliver(sent.pk, now=now)
    sent.refresh_from_db(fields=["state", "error"])
    if sent.state == State.FAILED:
        raise members.MemberChangeRefused(
            f"The invitation email to {invitation.email} could not be sent ({sent.error}); nobody was invited."
        )
    return invitation, token


@transaction.atomic
def _store(
    *, organization: Organization, invited_by: User, email: str, role: str, now: datetime
) -> tuple[Invitation, str, Email]:
    invitation, token = members.invitation_create(organization=organization, invited_by=invited_by, email=email,
                                                  role=role, now=now)
    subject, body = members.invitation_message(invitation, token)
    # Not woken: this request delivers it, to tell the owner; the sweep takes it should it die first.
    sent = email_enqueue(kind=INVITATION, target_id=invitation.pk, organization=organization, to=[invitation.email],
                         subject=subject, body=body, requested_by=invited_by, wake=False)
    return invitation, token, sent


def _after_send(email: Email) -> str:
    members.invitation_sent(invitation_id=email.target_id, now=email.sent_at)
    return ""


def _after_fail(email: Email) -> None:
    members.invitation_refused(invitation_id=email.target_id)


EMAILED_INVITATION = Kind(INVITATION, after_send=_after_send, after_fail=_after_fail, forget_body_as=FORGOTTEN_LINK)
