"""Sharing partners one per organization listed, with the networks of its row.

Shared-networks exports imported before were stored one row per network name, without the
organization the row was about. Those imports are queued again: the import sweep re-reads
each from its stored document, replacing its rows (a re-read that fails keeps nothing and
says why on the import's page, as any import does)."""

from django.db import migrations, models


def reread_shared_networks(apps, schema_editor):
    AuditImport = apps.get_model("auditlogs", "AuditImport")
    # Only the state: a queued import is taken up whatever its other fields say, and the
    # test of this function runs it on the current model as well as the historical one.
    AuditImport.objects.filter(format="shared_networks", state="done").update(state="queued")


class Migration(migrations.Migration):

    dependencies = [
        ('auditlogs', '0006_import_progress_time'),
    ]

    operations = [
        migrations.AddField(
            model_name='sharingrelation',
            name='networks_shared_with_me',
            field=models.JSONField(blank=True, default=list, help_text="The organization's networks the agency can search, as listed."),
        ),
        migrations.AddField(
            model_name='sharingrelation',
            name='networks_sharing',
            field=models.JSONField(blank=True, default=list, help_text="The agency's networks the organization can search, as listed."),
        ),
        migrations.AlterField(
            model_name='sharingrelation',
            name='direction',
            field=models.CharField(choices=[('sharing', 'the agency shares its data with it'), ('shared_with_me', 'it shares its data with the agency'), ('both', 'each shares its data with the other'), ('listed', 'listed partner (direction not stated)')], max_length=20),
        ),
        migrations.RunPython(reread_shared_networks, migrations.RunPython.noop),
    ]
