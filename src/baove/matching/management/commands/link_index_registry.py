"""``manage.py link_index_registry``: index the registry's children for matching."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baove.core import context
from baove.matching.importer import index_registry


class Command(BaseCommand):
    help = "Index (or refresh) every registry child as a linked record of source 'baove'."

    def handle(self, *args: Any, **options: Any) -> None:
        with context.use(context.RequestContext(channel="cli")):
            summary = index_registry()
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.records_created:,} children indexed, {summary.records_updated:,}"
                " refreshed"
            )
        )
