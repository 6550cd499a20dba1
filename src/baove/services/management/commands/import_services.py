"""``manage.py import_services FILE --as USERNAME``: load providers and services, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baove.accounts.models import User
from baove.core import context
from baove.core.errors import DomainError
from baove.services.importer import ImportFailed, import_services

MAX_SHOWN = 100


class Command(BaseCommand):
    help = (
        "Import providers and services from a CSV or Excel (.xlsx) file (columns: see"
        " docs/services.md). Every row is checked first; one bad row and nothing is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="the administrator or province manager the import is done for (audited)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        with context.use(context.RequestContext(channel="cli")):
            try:
                summary = import_services(user, path.name, data)
            except ImportFailed as exc:
                for error in exc.rows[:MAX_SHOWN]:
                    self.stderr.write(str(error))
                if len(exc.rows) > MAX_SHOWN:
                    self.stderr.write(f"... and {len(exc.rows) - MAX_SHOWN} more")
                raise CommandError(
                    f"nothing imported: {len(exc.rows)} problem(s) in {path}"
                ) from exc
            except DomainError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows:,} rows: {summary.providers_created:,} providers added, "
                f"{summary.services_created:,} services added, {summary.services_updated:,} "
                f"updated, {summary.areas:,} coverage rows"
            )
        )
