"""Copies each request's organization and status onto its clock (see RequestClock)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

STATUSES = [
    ("draft", "Draft"), ("submitted", "Submitted"), ("acknowledged", "Acknowledged"), ("processing", "Processing"),
    ("needs_clarification", "Needs clarification"), ("fee_requested", "Fee requested"),
    ("partially_fulfilled", "Partially fulfilled"), ("fulfilled", "Fulfilled"), ("no_records", "No records"),
    ("denied", "Denied"), ("appealed", "Appealed"), ("litigation", "Litigation"), ("withdrawn", "Withdrawn"),
]


def copy_from_requests(apps, schema_editor):
    RequestClock = apps.get_model("deadlines", "RequestClock")
    RecordsRequest = apps.get_model("records", "RecordsRequest")
    request = RecordsRequest.objects.filter(pk=OuterRef("request_id"))
    RequestClock.objects.update(organization_id=Subquery(request.values("organization_id")[:1]),
                                request_status=Subquery(request.values("status")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ("deadlines", "0004_clock_running_due"),
        ("records", "0007_backfill_request_history"),
        ("teams", "0002_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="requestclock",
            name="organization",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="teams.organization"),
        ),
        migrations.AddField(
            model_name="requestclock",
            name="request_status",
            field=models.CharField(choices=STATUSES, default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(copy_from_requests, migrations.RunPython.noop),
    ]
