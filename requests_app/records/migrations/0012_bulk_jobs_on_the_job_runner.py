"""Bulk jobs become jobs of the runner (requests_app/jobs): their position is their progress,
their total is stored, and each keeps its state and outcomes."""

from django.conf import settings
from django.db import migrations, models

from requests_app.jobs.backfill import backfill_times


def backfill(apps, schema_editor) -> None:
    BulkJob = apps.get_model("records", "BulkJob")
    for job in BulkJob.objects.only("request_ids"):
        BulkJob.objects.filter(pk=job.pk).update(total=len(job.request_ids))
    backfill_times(BulkJob)


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0011_request_org_agency_index'),
        ('teams', '0003_law_correction_notes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='bulkjob',
            name='bulk_job_unfinished',
        ),
        migrations.RenameField(
            model_name='bulkjob',
            old_name='position',
            new_name='handled',
        ),
        migrations.AddField(
            model_name='bulkjob',
            name='claimed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the worker now running a step of the job took it; empty between steps.', null=True),
        ),
        migrations.AddField(
            model_name='bulkjob',
            name='error',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='bulkjob',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='bulkjob',
            name='handled',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much of the total has been handled.'),
        ),
        migrations.AddField(
            model_name='bulkjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='bulkjob',
            name='total',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much there is to handle.'),
        ),
        migrations.AlterField(
            model_name='bulkjob',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, help_text='Heartbeat: when the job was queued, claimed or last recorded progress.'),
        ),
        migrations.AddIndex(
            model_name='bulkjob',
            index=models.Index(condition=models.Q(('state__in', ['queued', 'running'])), fields=['updated_at'], name='bulkjob_active'),
        ),
        # Last: PostgreSQL does not alter a table whose rows the same transaction has updated.
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
