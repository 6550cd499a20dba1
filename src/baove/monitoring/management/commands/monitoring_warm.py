"""Compute the managers' dashboard figures ahead (for cron; the server does it by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baove.monitoring.reads import warm


class Command(BaseCommand):
    help = "Compute the case management dashboard of every province and the country ahead."

    def handle(self, *args: Any, **options: Any) -> None:
        """Run :func:`baove.monitoring.reads.warm` once."""
        self.stdout.write(f"{warm()} dashboards computed")
