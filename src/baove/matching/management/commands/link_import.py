"""``manage.py link_import OUTDIR``: load a ``baove link run`` output into the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baove.core import context
from baove.matching.importer import ImportFailed, import_run

MAX_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import the records, clusters, review pairs and model of a `baove link run` output,"
        " all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("outdir", type=Path, help="the --out folder of `baove link run`")
        parser.add_argument(
            "--config", type=Path, default=None, help="the run's configuration (TOML)"
        )
        parser.add_argument(
            "--sources",
            nargs="+",
            type=Path,
            default=[],
            metavar="PATH",
            help="source files or folders, read with --config (default: its 'file' keys);"
            " without --config, OUTDIR/records.parquet is read",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sources"] and options["config"] is None:
            raise CommandError("--sources needs --config (the column roles of each source)")
        with context.use(context.RequestContext(channel="cli")):
            try:
                summary = import_run(
                    options["outdir"], config=options["config"], sources=options["sources"]
                )
            except ImportFailed as exc:
                for error in exc.errors[:MAX_SHOWN]:
                    self.stderr.write(str(error))
                if len(exc.errors) > MAX_SHOWN:
                    self.stderr.write(f"... and {len(exc.errors) - MAX_SHOWN} more")
                raise CommandError(
                    f"nothing imported: {len(exc.errors)} problem(s) in {options['outdir']}"
                ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"batch {summary.batch_id}: {summary.records_created:,} records added, "
                f"{summary.records_updated:,} updated, {summary.review_pairs_created:,} pairs "
                f"for review ({', '.join(summary.sources)})"
            )
        )
