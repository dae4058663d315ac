"""Records contacts learned from replies: an email filed on a request (uploaded, or fetched
from the records mailbox) may name the agency's address or its records portal; it becomes
a suggestion that the request's organization alone sees, until an editor accepts it into
the shared directory (through the contact machinery, with a source that does not reveal
the message) or rejects it for good.

What a message names is decided in ``contact_detection.py``; here, what is new.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from requests_app.agencies.contacts import FIELD_LABELS, ContactEdit, apply_edit
from requests_app.agencies.models import Agency, AgencyContactChange
from requests_app.correspondence.contact_detection import (
    PORTAL_URL,
    RECORDS_EMAIL,
    Candidate,
    contact_candidates,
    message_headers,
    message_text,
    portal_front_page,
)
from requests_app.correspondence.models import Communication, ContactSuggestion
from requests_app.teams.models import Membership, Organization, User

State = ContactSuggestion.State


class SuggestionRefused(Exception):
    """A decision that cannot be made as asked; the message says why and what to do."""


# Learning ------------------------------------------------------------------------------


def suggestions_from_reply(*, communication: Communication, message: EmailMessage) -> list[ContactSuggestion]:
    """Suggests the contacts ``message`` (filed as ``communication``) names that its
    request's agency does not have yet; returns those it created. A value suggested to the
    organization before, whatever became of it, is not suggested again."""
    request = communication.request
    candidates = contact_candidates(headers=message_headers(message), body=message_text(message))
    fresh = [c for c in candidates if _new_to(request.agency, c) and not _ours(c, request.organization)]
    return [s for c in fresh if (s := _suggest(communication, c)) is not None]


def _new_to(agency: Agency, candidate: Candidate) -> bool:
    if candidate.field == RECORDS_EMAIL:
        return candidate.value != agency.records_email.lower()
    known = portal_front_page(agency.portal_url)
    return not (known and known[1] == candidate.value)


def _ours(candidate: Candidate, organization: Organization) -> bool:
    """The organization's own address, a member's, or this app's (a reply we sent, or one a
    member forwarded to the records mailbox)."""
    if candidate.field != RECORDS_EMAIL:
        return False
    address = _without_tag(candidate.value)
    app = (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL, settings.IMAP_USER, organization.email)
    if address in {_without_tag(parseaddr(a)[1].lower()) for a in app if a}:
        return True
    return User.objects.filter(email__iexact=candidate.value).exists()


def _without_tag(address: str) -> str:
    """records+watchdog@example.org → records@example.org"""
    local, at, domain = address.partition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}"


def _suggest(communication: Communication, candidate: Candidate) -> ContactSuggestion | None:
    request = communication.request
    try:
        with transaction.atomic():
            suggestion, created = ContactSuggestion.objects.get_or_create(
                agency_id=request.agency_id, organization_id=request.organization_id, field=candidate.field,
                value=candidate.value,
                defaults={"evidence": candidate.evidence, "vendor": candidate.vendor, "communication": communication,
                          "source_sender": communication.sender, "source_subject": communication.subject,
                          "received_on": communication.occurred_on},
            )
    except IntegrityError:  # the same value from another message filed at the same moment
        return None
    return suggestion if created else None


# Deciding ------------------------------------------------------------------------------


def suggestion_accept(*, suggestion_id: int, membership: Membership, replaces: str) -> AgencyContactChange:
    """Writes the suggested value onto the agency, as a contact edit learned from a reply.

    ``replaces`` is the agency's value the editor saw when deciding ("" for none): if the
    directory holds another value by now, nothing is written, so a contact is never
    replaced by one the editor did not see it replace."""
    with transaction.atomic():
        suggestion = _pending(suggestion_id, membership)
        agency = Agency.objects.select_for_update().get(pk=suggestion.agency_id)
        current = getattr(agency, suggestion.field)
        if current not in (replaces, suggestion.value):
            label = FIELD_LABELS[suggestion.field].lower()
            raise SuggestionRefused(
                f"{agency.name}'s {label} is now {current or 'empty'}, not {replaces or 'empty'} as when you looked: "
                f"nothing was changed. Look at the agency's contact again, then accept or reject {suggestion.value}.")
        edit = ContactEdit(values={suggestion.field: suggestion.value}, source_url="",
                           verified_on=suggestion.received_on, source_note=public_source(suggestion))
        change = apply_edit(agency=agency, edit=edit, membership=membership, via=AgencyContactChange.Via.REPLY)
        change.save()
        _decide(suggestion, State.ACCEPTED, membership.user)
    return change


def suggestion_reject(*, suggestion_id: int, membership: Membership) -> ContactSuggestion:
    with transaction.atomic():
        suggestion = _pending(suggestion_id, membership)
        _decide(suggestion, State.REJECTED, membership.user)
    return suggestion


def public_source(suggestion: ContactSuggestion) -> str:
    """How the shared directory cites a contact learned from a reply: what kind of message
    and when, never its sender, subject or words, which are the organization's."""
    day = suggestion.received_on.isoformat()
    if suggestion.field == PORTAL_URL:
        return f"a notification from the agency's {suggestion.vendor} portal, received on {day}"
    return f"a reply from this address to a records request, received on {day}"


def _pending(suggestion_id: int, membership: Membership) -> ContactSuggestion:
    """The organization's suggestion, locked; refused unless it is still waiting."""
    suggestion = ContactSuggestion.objects.select_for_update().get(pk=suggestion_id,
                                                                   organization=membership.organization)
    if suggestion.state != State.PENDING:
        who = suggestion.decided_by or "a former member"
        when = timezone.localtime(suggestion.decided_at).date().isoformat() if suggestion.decided_at else "earlier"
        raise SuggestionRefused(f"{suggestion.value} was already {suggestion.get_state_display().lower()} "
                                f"by {who} on {when}.")
    return suggestion


def _decide(suggestion: ContactSuggestion, state: str, user: User) -> None:
    suggestion.state, suggestion.decided_by, suggestion.decided_at = state, user, timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at"])


# Reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    """A suggestion waiting for a decision, and the agency's value it would replace ("" for none)."""

    suggestion: ContactSuggestion
    replaces: str


def pending_suggestions(*, agency: Agency, organization: Organization) -> list[Pending]:
    """The organization's suggestions for the agency still waiting for a decision, with the
    request each came from."""
    waiting = _waiting(agency, organization).select_related("communication__request")
    return [Pending(s, getattr(agency, s.field)) for s in waiting]


def pending_count(*, agency: Agency, organization: Organization) -> int:
    return _waiting(agency, organization).count()


def _waiting(agency: Agency, organization: Organization) -> QuerySet[ContactSuggestion]:
    """Pending, less those the agency has meanwhile (another organization accepted the same)."""
    pending = ContactSuggestion.objects.filter(agency=agency, organization=organization, state=State.PENDING)
    return pending.exclude(_already_known(agency))


def _already_known(agency: Agency) -> Q:
    known = Q(pk__in=[])
    if agency.records_email:
        known |= Q(field=RECORDS_EMAIL, value=agency.records_email.lower())
    if agency.portal_url:
        portal = portal_front_page(agency.portal_url)
        known |= Q(field=PORTAL_URL, value__in=[agency.portal_url, *(portal[1:] if portal else ())])
    return known
