"""``manage.py admin_extract --out DIR``: export cases for the administrative indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baove.cases.extract import write_admin_extract
from baove.core import context


class Command(BaseCommand):
    help = (
        "Write the administrative extract (Parquet, no names or ID numbers) that"
        " `baove indicators admin` reads."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="folder to write")
        parser.add_argument(
            "--population", type=Path, default=None, help="population table (Parquet) to include"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        population: Path | None = options["population"]
        if population is not None and not population.is_file():
            raise CommandError(f"--population: no such file {population}")
        # Recorded as coming from the command line in the audit log.
        with context.use(context.RequestContext(channel="cli")):
            counts = write_admin_extract(options["out"], population=population)
        for name, rows in counts.items():
            self.stdout.write(f"{name}: {rows:,}")
        self.stdout.write(self.style.SUCCESS(f"Extract written to {options['out']}"))
