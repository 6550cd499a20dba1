"""``manage.py referrals_scan``: flag overdue referrals and notify (run it from cron/systemd)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from baove.referrals.jobs import scan_overdue


class Command(BaseCommand):
    help = "Flag referrals not answered in time and notify both sides (safe to run often)."

    def handle(self, *args: Any, **options: Any) -> None:
        """Run one scan and print what it did."""
        result = scan_overdue()
        self.stdout.write(
            f"run {result.run_id}: {result.flagged} referral(s) newly overdue, "
            f"{result.notified} notification(s), {result.seconds:.2f} s"
        )
