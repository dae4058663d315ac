"""Moves each correction note's email (claimed, sent or failed, with its error) into the
outbox as one Email row of kind "law_note", before 0005 drops the note's own send fields.

A note never claimed is a queued email: rendered here as the note's email is rendered, so
the outbox's delivery (or its sweep) sends it. A note claimed without an outcome is left
"sending", for the outbox's sweep to fail as interrupted. A note emailed or failed keeps its
state, times and error; its subject and body are recorded in short. Going back puts each
note's latest email in the fields again.
"""

from email.utils import make_msgid

from django.conf import settings
from django.db import migrations

KIND = "law_note"


def state_of(note):
    if note.emailed_at:
        return {"state": "sent", "sent_at": note.emailed_at, "state_changed_at": note.emailed_at,
                "claimed_at": note.email_claimed_at, "attempts": 1}
    if note.send_error:
        changed = note.email_claimed_at or note.created_at
        return {"state": "failed", "state_changed_at": changed, "claimed_at": note.email_claimed_at,
                "attempts": 1 if note.email_claimed_at else 0}
    if note.email_claimed_at:
        return {"state": "sending", "state_changed_at": note.email_claimed_at, "claimed_at": note.email_claimed_at,
                "attempts": 1}
    return {"state": "queued", "state_changed_at": note.created_at, "attempts": 0}


def content_of(note, owners):
    if note.email_claimed_at is None and not note.send_error and not note.emailed_at:
        # Still to go: rendered by the code that renders a new note's email, from the note as
        # it is now (only the fields this migration leaves are read).
        from requests_app.teams.law_notes import law_note_email
        from requests_app.teams.models import LawCorrectionNote

        message = law_note_email(LawCorrectionNote.objects.only("pk", "organization", "author", "law", "fact_key",
                                                                "text", "source_url", "created_at").get(pk=note.pk))
        return {"to": message.to, "subject": message.subject, "body": message.body, "reply_to": message.reply_to}
    law = note.law
    author = note.author
    return {
        "to": owners, "reply_to": [author.email] if author and author.email else [],
        "subject": f"Correction note on {law.name} ({law.jurisdiction.code}) from {author or 'A former member'}",
        "body": note.text,
    }


def forwards(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    Note = apps.get_model("teams", "LawCorrectionNote")
    Membership = apps.get_model("teams", "Membership")
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    emails = []
    for note in Note.objects.select_related("law__jurisdiction", "author").order_by("pk").iterator():
        owners = list(Membership.objects.filter(organization_id=note.organization_id, role="owner")
                      .exclude(user__email="").values_list("user__email", flat=True))
        emails.append(Email(
            organization_id=note.organization_id, kind=KIND, target_id=note.pk, requested_by_id=note.author_id,
            message_id=make_msgid(idstring=f"law-note-{note.pk}", domain=domain), created_at=note.created_at,
            error=note.send_error, **content_of(note, owners), **state_of(note),
        ))
    Email.objects.bulk_create(emails, batch_size=500)


def backwards(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    Note = apps.get_model("teams", "LawCorrectionNote")
    emails = Email.objects.filter(kind=KIND)
    for email in emails.order_by("target_id", "pk").iterator():  # the latest wins
        Note.objects.filter(pk=email.target_id).update(
            emailed_at=email.sent_at, send_error=email.error if email.state == "failed" else "",
            email_claimed_at=email.claimed_at or (email.state_changed_at if email.state != "queued" else None))
    emails.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('teams', '0003_law_correction_notes'),
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
