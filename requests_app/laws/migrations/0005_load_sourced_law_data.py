"""Loads the law data files (requests_app/laws/data/jurisdictions/*.json).

When the data changes, add a migration like this one: the loader updates rows in place by
jurisdiction code, so it is safe to run on a database that already has them.
"""

from django.db import migrations

from requests_app.laws.loader import load_laws


def forwards(apps, schema_editor):
    load_laws(apps)


class Migration(migrations.Migration):
    dependencies = [("laws", "0004_sourced_law_facts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
