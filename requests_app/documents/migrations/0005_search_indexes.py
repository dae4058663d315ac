"""Full-text indexes for search, on PostgreSQL only (SQLite searches without them)."""

from django.db import migrations

DOCUMENTS = (
    "CREATE INDEX IF NOT EXISTS document_fulltext ON documents_document USING GIN "
    "(to_tsvector('english'::regconfig, COALESCE(original_name, '') || ' ' || COALESCE(text, '')))"
)
COMMUNICATIONS = (
    "CREATE INDEX IF NOT EXISTS communication_fulltext ON correspondence_communication USING GIN "
    "(to_tsvector('english'::regconfig, COALESCE(subject, '') || ' ' || COALESCE(body, '') || ' ' || COALESCE(sender, '')))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DOCUMENTS)
        schema_editor.execute(COMMUNICATIONS)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS document_fulltext")
        schema_editor.execute("DROP INDEX IF EXISTS communication_fulltext")


class Migration(migrations.Migration):
    dependencies = [("documents", "0004_inbound_email"), ("correspondence", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
