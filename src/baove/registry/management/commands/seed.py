"""``manage.py seed`` (``baove seed``): load synthetic children and cases in bulk."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baove.registry.seeding import seed


class Command(BaseCommand):
    help = "Generate realistic synthetic children, households, caregivers and cases, in bulk."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1000, help="cases to add (1000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (42)")
        parser.add_argument(
            "--focus-commune",
            action="append",
            default=[],
            metavar="CODE",
            help="commune code that gets --focus-share of the cases (repeatable)",
        )
        parser.add_argument(
            "--focus-share",
            type=float,
            default=0.0,
            help="share of the cases placed in the focus communes (0-1)",
        )
        parser.add_argument(
            "--batch-size", type=int, default=50_000, help="cases per transaction (50000)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 0:
            raise CommandError("--cases must not be negative")
        if not 0.0 <= options["focus_share"] <= 1.0:
            raise CommandError("--focus-share must be between 0 and 1")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be positive")
        verbose = options["verbosity"] >= 2
        try:
            result = seed(
                options["cases"],
                seed=options["seed"],
                focus_communes=options["focus_commune"] or None,
                focus_share=options["focus_share"],
                batch_size=options["batch_size"],
                stdout=self.stdout if verbose else None,
            )
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for name, count in result.counts().items():
            self.stdout.write(f"{name.replace('_', ' ')}: {count:,}")
        rate = result.rows / result.seconds if result.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.cases:,} cases ({result.rows:,} rows) in"
                f" {result.seconds:.1f} s ({rate:,.0f} rows/s, {result.vendor})."
            )
        )
