"""Loaded the first compilation of the law data (public_records_laws.json, since replaced).

The first compilation's format is gone; 0005_load_sourced_law_data loads its successor, so
this step does nothing now.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("laws", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
