"""Trigram indexes for the directory search's word containment (LIKE '%word%'), on PostgreSQL.

requests_app.agencies.search explains the choice. pg_trgm ships with PostgreSQL (Debian's
postgresql package includes the contrib modules) and is a trusted extension, so the
database's owner can create it. Other databases have no such index: there the search scans
the names, which the benchmark shows is fast enough for the whole directory. The indexes
are not in the models' Meta because they exist on PostgreSQL only.
"""

from django.db import migrations

INDEXES = {
    # Agency.name_key: the search's "every word in the name" part.
    "agency_name_key_trgm": "agencies_agency",
    # AgencyAlias.name_key: the "every word in one alias" part.
    "agency_alias_name_key_trgm": "agencies_agencyalias",
}


def add_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (name_key gin_trgm_ops)")


def remove_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    # The extension stays: other objects in the database may have come to use it.


class Migration(migrations.Migration):

    dependencies = [
        ("agencies", "0004_agency_contact_change"),
    ]

    operations = [
        migrations.RunPython(add_indexes, remove_indexes),
    ]
