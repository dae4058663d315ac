"""A campaign's letters are rendered in parts that workers run side by side, not one chunk
after another behind a cursor. A rendering under way when this runs is begun again: its
next worker records its parts from the drafts as they stand, and the letters already made
are reused (finalising an unchanged letter returns its version), so only the counts start
over, and none is counted twice."""

from django.db import migrations

ACTIVE = ("queued", "running")


def begin_again(apps, schema_editor):
    apps.get_model("campaigns", "CampaignRendering").objects.filter(state__in=ACTIVE).update(
        state="queued", handled=0, rendered=0, failures=[], claimed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0006_rendering_and_exports_on_the_job_runner"),
        ("jobs", "0001_job_parts"),
    ]

    operations = [
        migrations.RunPython(begin_again, migrations.RunPython.noop),
        migrations.RemoveField(model_name="campaignrendering", name="cursor"),
    ]
