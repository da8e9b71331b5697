"""Support's search finds accounts whose name starts with a short text (``display_name__istartswith``,
which PostgreSQL runs as ``UPPER(display_name::text) LIKE UPPER('text%')``) when the text has fewer
than three letters in a row, too few for the trigram index of 0002 to look "contains" up. A B-tree on
the same expression with ``text_pattern_ops`` reads only the names that start with the text, in
order, and stops at the page's limit, however many or few names start so (issue 18). SQLite has none: there
the search reads the table, as docs/performance.md says.
"""

from django.db import migrations

INDEX = "loop_account_name_prefix"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON loop_accounts_loopaccount "
        "(UPPER(display_name::text) text_pattern_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("loop_accounts", "0002_name_search_index")]

    operations = [migrations.RunPython(create_index, drop_index)]
