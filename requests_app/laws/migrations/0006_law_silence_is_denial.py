"""Constructive denial as a field of the law: set for the laws already loaded from the
counting rule their stored data carries, so no data file is read here."""

from django.db import migrations, models

SILENCE_IS_DENIAL = "silence_is_denial"


def forwards(apps, schema_editor):
    PublicRecordsLaw = apps.get_model("laws", "PublicRecordsLaw")
    flagged = [law.pk for law in PublicRecordsLaw.objects.only("counting")
               if any(rule.get("rule") == SILENCE_IS_DENIAL for rule in law.counting)]
    PublicRecordsLaw.objects.filter(pk__in=flagged).update(silence_is_denial=True)


class Migration(migrations.Migration):
    dependencies = [("laws", "0005_load_sourced_law_data")]

    operations = [
        migrations.AddField(
            model_name="publicrecordslaw",
            name="silence_is_denial",
            field=models.BooleanField(
                default=False,
                help_text="No response by the deadline is a denial that can be appealed (a constructive denial). "
                          "Set from the data's silence_is_denial counting rule, which carries its section, sources "
                          "and status.",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
