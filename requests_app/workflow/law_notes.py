"""A correction note on a law, stored and emailed to the organization's owners through the
outbox, at most once (a killed worker's email is failed, never sent again blindly)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from requests_app.laws.models import PublicRecordsLaw
from requests_app.outbox.kinds import Kind
from requests_app.outbox.models import Email
from requests_app.outbox.services import email_enqueue
from requests_app.teams.law_notes import NO_OWNER_EMAIL, law_note_email, law_note_store
from requests_app.teams.models import LawCorrectionNote, Organization, User

LAW_NOTE = "law_note"


@transaction.atomic
def law_note_create(
    *, organization: Organization, author: User, law: PublicRecordsLaw, fact_key: str, text: str,
    source_url: str = "", now: datetime,
) -> LawCorrectionNote:
    note = law_note_store(organization=organization, author=author, law=law, fact_key=fact_key, text=text,
                          source_url=source_url, now=now)
    message = law_note_email(note)
    email_enqueue(kind=LAW_NOTE, target_id=note.pk, organization=organization, to=message.to,
                  subject=message.subject, body=message.body, reply_to=message.reply_to, requested_by=author,
                  id_hint=f"law-note-{note.pk}")
    return note


def _blocked(email: Email) -> str:
    return "" if email.to else NO_OWNER_EMAIL


EMAILED_LAW_NOTE = Kind(LAW_NOTE, blocked=_blocked)
