"""Indexes for case search by child name within the user's province or commune.

PostgreSQL uses ``varchar_pattern_ops`` so ``LIKE 'prefix%'`` can use the index whatever the
database collation; SQLite gets plain indexes that :func:`baove.registry.search.prefix_q`
queries by a binary range. Created here rather than in ``Meta.indexes`` because the
operator class is PostgreSQL-only.
"""

from typing import Any

from django.db import migrations

INDEXES = {
    "case_prov_name": ("province_id", "name_folded"),
    "case_prov_given": ("province_id", "given_first_folded"),
    "case_comm_name": ("commune_id", "name_folded"),
    "case_comm_given": ("commune_id", "given_first_folded"),
}


def create(apps: Any, schema_editor: Any) -> None:
    ops = " varchar_pattern_ops" if schema_editor.connection.vendor == "postgresql" else ""
    for name, (scope, key) in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON cases_case ({scope}, {key}{ops})")


def drop(apps: Any, schema_editor: Any) -> None:
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
