"""Moves each follow-up and appeal letter's email send into the outbox as one Email row of
the letter's own kind ("follow_up" or "appeal"), before 0006 drops the fields.

As records 0012 does for a request's letter: every state is kept with its error, asker and
time; a letter with a Message-ID and no state becomes a sent email. An error kept on a sent
letter ("Emailed, but not recorded on the request") stays on its sent email.
"""

from django.db import migrations

from requests_app.outbox.legacy import move_back, move_in, send_fields, sends_of

KINDS = ("follow_up", "appeal")
LABEL = {"follow_up": "Follow-up", "appeal": "Appeal"}
PARAGRAPH = {
    "follow_up": "Please find attached a follow-up from {org} on public records request {tracking}, "
                 "to which we have not yet had a complete response.",
    "appeal": "Please find attached an appeal from {org} of the response to public records request {tracking}.",
}


def letter_email(letter, Email):
    request, organization = letter.request, letter.request.organization
    copy = [organization.email] if organization.email else []
    original = request.email_message_id
    paragraph = (PARAGRAPH[letter.kind].format(org=organization.name, tracking=request.tracking)
                 + f" Please refer to {request.tracking} in your reply.")
    changed = letter.send_updated_at or letter.finalised_at or letter.drafted_at
    return Email(
        organization=organization, kind=letter.kind, target_id=letter.pk, to=[request.agency.records_email],
        cc=copy, reply_to=copy, subject=f"{LABEL[letter.kind]}: public records request {request.tracking}",
        body=(f"Dear Public Records Officer,\n\n{paragraph}\n\n"
              f"Thank you,\n{organization.signer_name or organization.name}\n"),
        headers={"In-Reply-To": original, "References": original} if original else {},
        **send_fields(letter, tracking=request.tracking, changed=changed, sent_at=changed),
    )


def forwards(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    letters = sends_of(apps.get_model("letters", "FollowUpLetter"), "request__agency", "request__organization")
    move_in(Email, letters, lambda letter: letter_email(letter, Email))


def backwards(apps, schema_editor):
    move_back(apps.get_model("outbox", "Email"), apps.get_model("letters", "FollowUpLetter"), KINDS)


class Migration(migrations.Migration):

    dependencies = [
        ("letters", "0004_follow_up_email_sending"),
        ("records", "0011_request_org_agency_index"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
