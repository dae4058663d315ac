"""Moves each request's email send (its state, error, asker, times and Message-ID) into the
outbox as one Email row of kind "request_letter", before 0013 drops the fields.

Every state is kept: queued, sending, sent and failed, with their error. A request emailed
before send states were kept (a Message-ID, no state) becomes a sent email. Going back puts
each request's latest email in the fields again.
"""

from django.db import migrations

from requests_app.outbox.legacy import move_back, move_in, send_fields, sends_of

KIND = "request_letter"


def letter_email(request, Email):
    organization = request.organization
    copy = [organization.email] if organization.email else []
    sent = request.send_state in ("", "sent") and request.submitted_to
    return Email(
        organization=organization, kind=KIND, target_id=request.pk, cc=copy, reply_to=copy, headers={},
        to=[request.submitted_to if sent else request.agency.records_email],
        subject=f"Public records request {request.tracking}: automated license plate reader records",
        body=(f"Dear Public Records Officer,\n\nPlease find attached a public records request from "
              f"{organization.name} (reference {request.tracking}). Please refer to {request.tracking} in your "
              f"reply.\n\nThank you,\n{organization.signer_name or organization.name}\n"),
        **send_fields(request, tracking=request.tracking, sent_at=request.sent_at,
                      changed=request.send_updated_at or request.sent_at or request.created_at),
    )


def forwards(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    requests = sends_of(apps.get_model("records", "RecordsRequest"), "agency", "organization")
    move_in(Email, requests, lambda request: letter_email(request, Email))


def backwards(apps, schema_editor):
    move_back(apps.get_model("outbox", "Email"), apps.get_model("records", "RecordsRequest"), [KIND])


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0012_bulk_jobs_on_the_job_runner"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
