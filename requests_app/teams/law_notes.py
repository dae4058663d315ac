"""Correction notes on a law: a member says a fact looks wrong, and the organization's
owners get the note by email (asked of the outbox by ``workflow/law_notes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.selectors import page_of
from requests_app.teams.models import LawCorrectionNote, Organization, Role, User

NO_OWNER_EMAIL = "No owner of the organization has an email address."


@dataclass(frozen=True)
class NoteEmail:
    to: list[str]
    subject: str
    body: str
    reply_to: list[str]


def law_note_store(
    *, organization: Organization, author: User, law: PublicRecordsLaw, fact_key: str, text: str,
    source_url: str = "", now: datetime,
) -> LawCorrectionNote:
    return LawCorrectionNote.objects.create(
        organization=organization, author=author, law=law, fact_key=fact_key, text=text,
        source_url=source_url, created_at=now,
    )


def notes_on_law(*, organization: Organization, law: PublicRecordsLaw) -> QuerySet[LawCorrectionNote]:
    """The organization's own notes on ``law``, newest first; never another organization's."""
    return LawCorrectionNote.objects.filter(organization=organization, law=law).select_related("author")


def law_note_email(note: LawCorrectionNote) -> NoteEmail:
    """The note's email to the organization's owners (none when no owner has an address)."""
    owners = list(note.organization.memberships.filter(role=Role.OWNER).exclude(user__email="")
                  .values_list("user__email", flat=True))
    law = note.law
    author = note.author
    context = {
        "note": note,
        "law": law,
        "author": str(author) if author else "A former member",
        "author_email": author.email if author else "",
        "about": page_of(law).describe(note.fact_key),
        "link": settings.SITE_URL.rstrip("/") + reverse("law-detail", args=[law.jurisdiction.code]) + "#notes",
    }
    return NoteEmail(
        to=owners,
        # A subject is one line: a name with a line break in it must not break the header.
        subject=" ".join(render_to_string("emails/law_correction_subject.txt", context).split()),
        body=render_to_string("emails/law_correction.txt", context),
        reply_to=[author.email] if author and author.email else [],
    )
