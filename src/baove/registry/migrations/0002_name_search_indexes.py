"""Indexes for name search by prefix within a province.

PostgreSQL uses ``varchar_pattern_ops`` so ``LIKE 'prefix%'`` can use the index whatever the
database collation; SQLite gets a plain index that :mod:`baove.registry.search` queries by a
binary range. Both are created here rather than in ``Meta.indexes`` because the operator
class is PostgreSQL-only.
"""

from typing import Any

from django.db import migrations


def create(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        ops = " varchar_pattern_ops"
    else:
        ops = ""
    schema_editor.execute(
        f"CREATE INDEX child_prov_name ON registry_child (province_id, name_folded{ops})"
    )
    schema_editor.execute(
        f"CREATE INDEX child_prov_given ON registry_child (province_id, given_first_folded{ops})"
    )


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS child_prov_name")
    schema_editor.execute("DROP INDEX IF EXISTS child_prov_given")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
