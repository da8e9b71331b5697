"""Migration operations both platforms use: PostgreSQL storage settings, which SQLite has none of."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def fill_pages_to(table: str, percent: int) -> migrations.RunPython:
    """Pages of ``table`` written from now on are filled to ``percent`` (PostgreSQL's fillfactor), so an
    update that changes no indexed column can stay on its page (a HOT update: no new index entries).
    Pages written before get the room when the table is rewritten (``VACUUM FULL``, pg_repack)."""

    def set_fillfactor(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {int(percent)})")

    def reset_fillfactor(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {schema_editor.quote_name(table)} RESET (fillfactor)")

    return migrations.RunPython(set_fillfactor, reset_fillfactor)
