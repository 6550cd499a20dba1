"""``manage.py link_labels --out FILE.parquet``: review decisions as labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from baove.core import context
from baove.matching.importer import export_labels


class Command(BaseCommand):
    help = (
        "Export clerical review decisions (record_id_l, record_id_r, is_match,"
        " decided_by_role, decided_at) for evaluation and retraining."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Parquet file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        with context.use(context.RequestContext(channel="cli")):
            count = export_labels(options["out"])
        self.stdout.write(self.style.SUCCESS(f"{count:,} labels written to {options['out']}"))
