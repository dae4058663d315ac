"""The second half of 0010, in its own transaction: PostgreSQL does not alter a table whose
rows the same transaction has just updated."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('auditlogs', '0010_imports_on_the_job_runner'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditimport',
            name='handled',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much of the total has been handled.'),
        ),
        migrations.AlterField(
            model_name='auditimport',
            name='total',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much there is to handle.'),
        ),
        migrations.AlterField(
            model_name='auditimport',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, help_text='Heartbeat: when the job was queued, claimed or last recorded progress.'),
        ),
        migrations.AddIndex(
            model_name='auditimport',
            index=models.Index(condition=models.Q(('state__in', ['queued', 'running'])), fields=['updated_at'], name='auditimport_active'),
        ),
    ]
