"""Audit-log imports become jobs of the runner (requests_app/jobs): their progress and the
time of it are renamed, and each keeps its state and progress."""

from django.db import migrations, models
from django.db.models import F
from django.db.models.functions import Coalesce

from requests_app.jobs.backfill import backfill_times


def backfill(apps, schema_editor) -> None:
    """An import no worker had taken yet was last heard of when it was queued."""
    AuditImport = apps.get_model("auditlogs", "AuditImport")
    AuditImport.objects.filter(updated_at=None).update(updated_at=Coalesce(F("finished_at"), F("created_at")))
    backfill_times(AuditImport)


def rename(old: str, new: str) -> migrations.RenameField:
    return migrations.RenameField(model_name="auditimport", old_name=old, new_name=new)


class Migration(migrations.Migration):

    dependencies = [
        ('auditlogs', '0009_audit_import_time_zone'),
    ]

    operations = [
        rename("lines_done", "handled"),
        rename("lines_total", "total"),
        rename("progress_at", "updated_at"),
        migrations.AddField(
            model_name='auditimport',
            name='claimed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the worker now running a step of the job took it; empty between steps.', null=True),
        ),
        migrations.AddField(
            model_name='auditimport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
