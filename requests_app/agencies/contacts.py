"""Records contacts of the shared directory: gathered over time by members of any
organization, each edit citing its source and date, kept in the agency's history, and
never overwritten by the directory loader (the fields it changes are marked edited).

The CSV import of contacts is in ``contact_import.py``; both write through ``apply_edit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet

from requests_app.agencies.models import Agency, AgencyContactChange
from requests_app.teams.models import Membership

CONTACT_FIELDS = ("records_email", "portal_url", "mailing_address", "phone")
FIELD_LABELS = {
    "records_email": "Email",
    "portal_url": "Request portal",
    "mailing_address": "Mailing address",
    "phone": "Phone",
}
RECENT_CHANGES = 5
# How far back the agency page looks for the change that vouches for each field.
PROVENANCE_DEPTH = 50


@dataclass(frozen=True)
class ContactEdit:
    """What one edit states: cleaned values of some contact fields ("" clears a field), the
    page where they were found and the day they were checked there. An edit with no page to
    cite (a contact learned from a reply) describes its source in ``source_note`` instead."""

    values: dict[str, str]
    source_url: str
    verified_on: date
    source_note: str = ""


# Writing ----------------------------------------------------------------------------


def contact_update(*, agency: Agency, edit: ContactEdit, membership: Membership | None) -> AgencyContactChange:
    """Saves a contact form's edit of ``agency``; the row is locked so two edits queue."""
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        change = apply_edit(agency=locked, edit=edit, membership=membership, via=AgencyContactChange.Via.FORM)
        change.save()
    return change


def apply_edit(*, agency: Agency, edit: ContactEdit, membership: Membership | None, via: str) -> AgencyContactChange:
    """Writes the edit onto the agency and returns its history row, unsaved (the importer
    saves them together). Changed fields are marked edited, so the directory loader keeps them."""
    before = {f: getattr(agency, f) for f in edit.values}
    changed = [f for f, value in edit.values.items() if before[f] != value]
    for name in changed:
        setattr(agency, name, edit.values[name])
    agency.mark_edited(changed)
    agency.contact_source_url = edit.source_url
    agency.contact_verified_on = edit.verified_on
    agency.save(update_fields=[*changed, "edited_fields", "contact_source_url", "contact_verified_on", "updated_at"])
    return AgencyContactChange(
        agency=agency, via=via, before=before, after=dict(edit.values),
        changed_by=membership.user if membership else None,
        organization=membership.organization if membership else None,
        source_url=edit.source_url, source_note=edit.source_note, verified_on=edit.verified_on,
    )


# Reading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactFact:
    """One contact field as the agency page shows it, with where it was found."""

    field: str
    label: str
    value: str
    source_url: str = ""
    verified_on: date | None = None
    source_note: str = ""
    to_verify: bool = False  # loaded from a bundled list; nobody has checked it yet


def recent_changes(agency: Agency, *, limit: int = RECENT_CHANGES) -> list[AgencyContactChange]:
    changes = agency.contact_changes.select_related("changed_by", "organization")
    return list(changes[:limit])


def contact_facts(agency: Agency, changes: list[AgencyContactChange]) -> list[ContactFact]:
    """Each contact field with the source of its current value: the latest of ``changes``
    (newest first) that gave that value. An agency with no recorded change falls back to the
    source and date stored on it (set in the admin); otherwise an unvouched value has none."""
    facts = []
    for name in CONTACT_FIELDS:
        value = getattr(agency, name)
        vouching = next((c for c in changes if value and c.after.get(name) == value), None)
        if vouching:
            facts.append(ContactFact(name, FIELD_LABELS[name], value, vouching.source_url, vouching.verified_on,
                                     vouching.source_note, vouching.to_verify))
        elif value and not changes:
            facts.append(ContactFact(name, FIELD_LABELS[name], value, agency.contact_source_url,
                                     agency.contact_verified_on))
        else:
            facts.append(ContactFact(name, FIELD_LABELS[name], value))
    return facts


def provenance_changes(agency: Agency) -> list[AgencyContactChange]:
    """The changes contact_facts needs, newest first, with their editors, in one query."""
    return recent_changes(agency, limit=PROVENANCE_DEPTH)


# The needs-contact list ---------------------------------------------------------------


@dataclass(frozen=True)
class NeedsContactFilters:
    state: str = ""
    kind: str = ""
    in_flock_network: bool | None = True  # None: either way


def without_contact(filters: NeedsContactFilters) -> QuerySet[Agency]:
    """Agencies with neither a records email nor a records portal, narrowed by ``filters``.
    Which of them an organization has requests with is read above records
    (requests_app/web/needs_contact.py)."""
    return Agency.objects.filter(records_email="", portal_url="").filter(_condition(filters))


def _condition(filters: NeedsContactFilters) -> Q:
    condition = Q()
    if filters.state:
        code = filters.state.upper()
        condition &= Q(jurisdiction__code=code) | Q(jurisdiction__parent__code=code)
    if filters.kind:
        condition &= Q(kind=filters.kind)
    if filters.in_flock_network is not None:
        condition &= Q(in_flock_network=filters.in_flock_network)
    return condition
