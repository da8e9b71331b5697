"""Support's search finds accounts whose name contains the text (``display_name__icontains``, which
PostgreSQL runs as ``UPPER(display_name::text) LIKE UPPER('%text%')``). A trigram index on that
expression serves it at a million accounts (issue 18). SQLite, the embedded default for small
installations, has no such index: there the name search reads the table, as docs/performance.md says.
"""

from django.db import migrations

INDEX = "loop_account_name_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON loop_accounts_loopaccount "
        "USING gin (UPPER(display_name::text) gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("loop_accounts", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
