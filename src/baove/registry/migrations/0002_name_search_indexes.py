"""Indexes for finding a child by name anywhere (registry look-ups, "already known?").

PostgreSQL uses ``varchar_pattern_ops`` so ``LIKE 'prefix%'`` can use the index whatever the
database collation; SQLite gets plain indexes queried by a binary range.
"""

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    ops = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"CREATE INDEX child_name ON registry_child (name_folded{ops})")
    schema_editor.execute(f"CREATE INDEX child_given ON registry_child (given_first_folded{ops})")


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS child_name")
    schema_editor.execute("DROP INDEX IF EXISTS child_given")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
