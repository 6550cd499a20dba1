"""The database table of the "shared" cache (settings.CACHES), created with the schema."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    """Create ``baove_cache`` (does nothing if it exists)."""
    # No table names: the command creates the table of every database cache in CACHES.
    call_command("createcachetable", database=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
