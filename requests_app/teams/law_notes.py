"""Correction notes on a law: a member says a fact looks wrong, and the organization's
owners get the note by email.

The note is stored first; a task enqueued once it is committed claims it with a
conditional UPDATE (``email_claimed_at`` from null to now) before talking to the mail
server, so a re-delivered message or a second worker never emails it twice. The sweep
re-enqueues notes nobody claimed (the broker was down) and marks sends cut short.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from requests_app.laws.models import PublicRecordsLaw
from requests_app.laws.selectors import page_of
from requests_app.ops.queue import enqueue_now, enqueue_on_commit
from requests_app.teams.models import LawCorrectionNote, Organization, Role, User

STALE_UNCLAIMED = timedelta(minutes=5)
# Longer than a task's hard time limit: a claim this old without an outcome was cut short.
STALE_CLAIMED = timedelta(minutes=15)
INTERRUPTED = "Sending was interrupted; the owners may not have received this note."
NO_OWNER_EMAIL = "No owner of the organization has an email address."


def law_note_create(
    *, organization: Organization, author: User, law: PublicRecordsLaw, fact_key: str, text: str,
    source_url: str = "", now: datetime,
) -> LawCorrectionNote:
    from requests_app.teams.tasks import email_law_note

    note = LawCorrectionNote.objects.create(
        organization=organization, author=author, law=law, fact_key=fact_key, text=text,
        source_url=source_url, created_at=now,
    )
    enqueue_on_commit(email_law_note, note.pk)
    return note


def notes_on_law(*, organization: Organization, law: PublicRecordsLaw) -> QuerySet[LawCorrectionNote]:
    """The organization's own notes on ``law``, newest first; never another organization's."""
    return LawCorrectionNote.objects.filter(organization=organization, law=law).select_related("author")


def claim_law_note(*, note_id: int, now: datetime) -> bool:
    """Unclaimed -> claimed in one conditional UPDATE: only one run can win it."""
    return bool(LawCorrectionNote.objects.filter(pk=note_id, email_claimed_at__isnull=True)
                .update(email_claimed_at=now))


def email_claimed_law_note(*, note_id: int) -> LawCorrectionNote:
    """Emails a note this run has claimed to the organization's owners; records the outcome.
    Called outside any transaction, after the claim is committed."""
    note = LawCorrectionNote.objects.select_related("organization", "author", "law__jurisdiction").get(pk=note_id)
    owners = list(note.organization.memberships.filter(role=Role.OWNER).exclude(user__email="")
                  .values_list("user__email", flat=True))
    outcome = {"send_error": NO_OWNER_EMAIL}
    if owners:
        try:
            _message(note, owners).send()
            outcome = {"emailed_at": timezone.now(), "send_error": ""}
        except OSError as exc:  # smtplib's errors subclass OSError, as do refused connections
            outcome = {"send_error": f"{type(exc).__name__}: {exc}"[:2000]}
    LawCorrectionNote.objects.filter(pk=note_id).update(**outcome)
    note.refresh_from_db(fields=list(outcome))
    return note


def _message(note: LawCorrectionNote, owners: list[str]) -> EmailMessage:
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
    return EmailMessage(
        # A subject is one line: a name with a line break in it must not break the header.
        subject=" ".join(render_to_string("emails/law_correction_subject.txt", context).split()),
        body=render_to_string("emails/law_correction.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=owners,
        reply_to=[author.email] if author and author.email else None,
    )


def sweep_law_notes(*, now: datetime) -> dict[str, int]:
    from requests_app.teams.tasks import email_law_note

    unclaimed = LawCorrectionNote.objects.filter(email_claimed_at__isnull=True, created_at__lt=now - STALE_UNCLAIMED)
    requeued = sum(enqueue_now(email_law_note, pk) for pk in unclaimed.values_list("pk", flat=True))
    # Notes are few (people write them), so this scan needs no index of its own.
    interrupted = LawCorrectionNote.objects.filter(
        email_claimed_at__lt=now - STALE_CLAIMED, emailed_at__isnull=True, send_error=""
    ).update(send_error=INTERRUPTED)
    return {"requeued": requeued, "interrupted": interrupted}
