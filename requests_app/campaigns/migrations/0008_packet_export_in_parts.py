"""A campaign's packets are exported in parts that workers run side by side, then assembled,
not in one go under a run id. An export under way when this runs is begun again: its next
worker (woken by a message still queued, or by the sweep) records its parts from the
campaign as it stands, so only its progress starts over; the old run's half-written ZIP
was a temporary file of its worker's, never stored."""

from django.db import migrations

ACTIVE = ("queued", "running")


def begin_again(apps, schema_editor):
    apps.get_model("campaigns", "PacketExport").objects.filter(state__in=ACTIVE).update(
        state="queued", handled=0, claimed_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ("campaigns", "0007_rendering_in_parts"),
        ("jobs", "0002_jobpart_outcome"),
    ]

    operations = [
        migrations.RunPython(begin_again, migrations.RunPython.noop),
        migrations.RemoveField(model_name="packetexport", name="run"),
    ]
