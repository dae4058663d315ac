"""A rendering run lists its failed letters one by one, and "failed" means no letter was made.

The old report was one text field of lines; each line is kept as a failure's reason. A run
that rendered some letters and failed others was "failed": it is now "done". The old field
goes in the next migration.

PostgreSQL refuses to alter a table in the transaction that updated its rows, so this
migration is not one transaction: the rows are rewritten in a transaction of their own,
between the column being added (forwards) or removed (backwards).
"""

from django.db import migrations, models, transaction


@transaction.atomic
def lines_to_failures(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.exclude(render_error=""):
        campaign.render_failures = [{"request": None, "tracking": "", "agency": "", "reason": line}
                                    for line in campaign.render_error.splitlines() if line.strip()]
        campaign.save(update_fields=["render_failures"])
    Campaign.objects.filter(render_state="failed", render_done__gt=0).update(render_state="done")


@transaction.atomic
def failures_to_lines(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.exclude(render_failures=[]):
        campaign.render_error = "\n".join(
            f"{f['tracking']} ({f['agency']}): {f['reason']}" if f.get("agency") else f["reason"]
            for f in campaign.render_failures)
        campaign.save(update_fields=["render_error"])
    Campaign.objects.filter(render_state="done").exclude(render_error="").update(render_state="failed")


class Migration(migrations.Migration):

    atomic = False

    dependencies = [
        ("campaigns", "0002_packet_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="render_failures",
            field=models.JSONField(
                blank=True, default=list,
                help_text="The letters this run could not finalise: request id, tracking, agency and why, one each.",
            ),
        ),
        migrations.RunPython(lines_to_failures, failures_to_lines),
    ]
