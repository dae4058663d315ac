"""A campaign's rendering and its packet exports become jobs of the runner
(requests_app/jobs): the rendering moves from the campaign's render_* columns into its own
row, an export's progress is renamed, and each keeps its state and progress."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

from requests_app.jobs.backfill import backfill_times

MOVED = {"state": "render_state", "total": "render_total", "rendered": "render_done", "failures": "render_failures",
         "cursor": "render_cursor", "acknowledged_residency": "render_acknowledged_residency",
         "residency_basis": "render_residency_basis"}


def move_renderings(apps, schema_editor) -> None:
    """One rendering per campaign whose letters were ever generated, as the campaign held it."""
    Campaign, CampaignRendering = apps.get_model("campaigns", "Campaign"), apps.get_model("campaigns", "CampaignRendering")
    for campaign in Campaign.objects.exclude(render_state=""):
        fields = {field: getattr(campaign, column) for field, column in MOVED.items()}
        CampaignRendering.objects.create(campaign=campaign, handled=campaign.render_done + len(campaign.render_failures),
                                         **fields)
        last = campaign.render_updated_at or timezone.now()
        CampaignRendering.objects.filter(pk=campaign.pk).update(created_at=last, updated_at=last)
    backfill_times(CampaignRendering)


def restore_renderings(apps, schema_editor) -> None:
    Campaign, CampaignRendering = apps.get_model("campaigns", "Campaign"), apps.get_model("campaigns", "CampaignRendering")
    for rendering in CampaignRendering.objects.all():
        fields = {column: getattr(rendering, field) for field, column in MOVED.items()}
        Campaign.objects.filter(pk=rendering.pk).update(render_updated_at=rendering.updated_at, **fields)


def backfill_exports(apps, schema_editor) -> None:
    backfill_times(apps.get_model("campaigns", "PacketExport"))


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0005_campaign_residency_basis'),
    ]

    operations = [
        migrations.CreateModel(
            name='CampaignRendering',
            fields=[
                ('handled', models.PositiveIntegerField(default=0, help_text='Progress: how much of the total has been handled.')),
                ('total', models.PositiveIntegerField(default=0, help_text='Progress: how much there is to handle.')),
                ('error', models.TextField(blank=True)),
                ('claimed_at', models.DateTimeField(blank=True, editable=False, help_text='When the worker now running a step of the job took it; empty between steps.', null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True, help_text='Heartbeat: when the job was queued, claimed or last recorded progress.')),
                ('started_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('campaign', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='rendering', serialize=False, to='campaigns.campaign')),
                ('state', models.CharField(choices=[('', 'Not started'), ('queued', 'Queued'), ('running', 'Rendering'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=10)),
                ('rendered', models.PositiveIntegerField(default=0, help_text='Letters finalised in this run.')),
                ('failures', models.JSONField(blank=True, default=list, help_text='The letters this run could not finalise: request id, tracking, agency and why, one each.')),
                ('cursor', models.PositiveBigIntegerField(default=0, help_text='Last request id rendered in this run.')),
                ('acknowledged_residency', models.BooleanField(default=False)),
                ('residency_basis', models.CharField(default='citizen', help_text='The ground residents-only letters state for the signer: "citizen", or another the law accepts.', max_length=40)),
            ],
            options={
                'abstract': False,
                'indexes': [models.Index(condition=models.Q(('state__in', ['queued', 'running'])), fields=['updated_at'], name='campaignrendering_active')],
            },
        ),
        migrations.RunPython(move_renderings, restore_renderings),
        migrations.RenameIndex(
            model_name='packetexport',
            new_name='packetexport_active',
            old_name='packet_export_unfinished',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_acknowledged_residency',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_cursor',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_done',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_failures',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_residency_basis',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_state',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_total',
        ),
        migrations.RemoveField(
            model_name='campaign',
            name='render_updated_at',
        ),
        migrations.RenameField(
            model_name='packetexport',
            old_name='done',
            new_name='handled',
        ),
        migrations.AddField(
            model_name='packetexport',
            name='claimed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the worker now running a step of the job took it; empty between steps.', null=True),
        ),
        migrations.AddField(
            model_name='packetexport',
            name='finished_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='packetexport',
            name='handled',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much of the total has been handled.'),
        ),
        migrations.AddField(
            model_name='packetexport',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='packetexport',
            name='total',
            field=models.PositiveIntegerField(default=0, help_text='Progress: how much there is to handle.'),
        ),
        migrations.AlterField(
            model_name='packetexport',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, help_text='Heartbeat: when the job was queued, claimed or last recorded progress.'),
        ),
        # Last: PostgreSQL does not alter a table whose rows the same transaction has updated.
        migrations.RunPython(backfill_exports, migrations.RunPython.noop),
    ]
