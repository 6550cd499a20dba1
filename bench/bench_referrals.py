"""Benchmark the referral overdue scan and the referral list pages on a large database.

    python bench/bench_referrals.py --cases 1000000 --referrals 3000000 --data-dir /tmp/bench-ref
    python bench/bench_referrals.py --cases 20000 --referrals 60000        # quick, development

The database (a SQLite file in ``--data-dir``, or the PostgreSQL database in
``--database-url``) is migrated, topped up to ``--cases`` synthetic cases
(:mod:`baove.registry.seeding`), given a service directory (one provider with a
province-wide service per province, two staff each, and one national service) and topped up
to ``--referrals`` referrals (:mod:`baove.referrals.seeding`); later runs reuse it. Then:

* the overdue scan, first run (flags the whole backlog and notifies) and a second run (the
  steady state of a scheduled job: nothing new);
* the referral list page (``/referrals/``) for a commune officer, a province manager and a
  provider's staff member, through Django's full middleware stack (p50/p95).

Prints one JSON object; ``--markdown`` also prints a table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any


def _parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cases", type=int, default=20_000)
    p.add_argument("--referrals", type=int, default=60_000)
    p.add_argument("--data-dir", default="/tmp/baove-bench-referrals")
    p.add_argument("--database-url", default="")
    p.add_argument("--requests", type=int, default=100, help="requests per page scenario")
    p.add_argument("--markdown", action="store_true")
    return p.parse_args()


def _setup(args: argparse.Namespace) -> None:
    os.environ["BAOVE_DATA_DIR"] = args.data_dir
    os.makedirs(args.data_dir, exist_ok=True)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _directory() -> None:
    """One provider per province with a province-wide service and two staff; one national."""
    from baove.accounts import actions as account_actions
    from baove.accounts.models import Agency, User
    from baove.geo.models import Province
    from baove.services import actions as services
    from baove.services.models import Service

    if Service.objects.exists():
        return
    admin = User.objects.filter(username="bench.admin").first() or account_actions.create_user(
        username="bench.admin", password=None, role="admin", acting_user=None
    )
    for province in Province.objects.order_by("code"):
        agency = services.create_provider(
            acting_user=admin,
            data={"code": f"bench-{province.code}", "name": f"Trung tâm CTXH {province.name}",
                  "sector": "social_work", "province": province.code},
        )  # fmt: skip
        services.create_service(
            acting_user=admin, agency=agency,
            data={"name": "Hỗ trợ tâm lý", "service_type": "psychosocial",
                  "coverage_level": "province", "areas": [province.code]},
        )  # fmt: skip
        for i in (1, 2):
            account_actions.create_user(
                username=f"bench.staff.{province.code}.{i}", password=None,
                role="provider_staff", agency=agency, acting_user=None,
            )  # fmt: skip
    national = Agency.objects.get(code="bench-01")
    services.create_service(
        acting_user=admin, agency=national,
        data={"name": "Tổng đài 111", "service_type": "counselling_hotline",
              "coverage_level": "national", "areas": []},
    )  # fmt: skip


def _fill(args: argparse.Namespace) -> dict[str, Any]:
    from baove.cases.models import Case
    from baove.referrals.models import Referral
    from baove.referrals.seeding import seed_referrals
    from baove.registry.seeding import seed

    out: dict[str, Any] = {}
    have = Case.objects.count()
    if have < args.cases:
        out["seed_cases_seconds"] = seed(args.cases - have).seconds
    _directory()
    have = Referral.objects.count()
    if have < args.referrals:
        result = seed_referrals(args.referrals - have)
        out["seed_referrals_seconds"] = result.seconds
    return out


def _pages(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.db.models import Count
    from django.test import Client

    from baove.accounts.models import User
    from baove.referrals.models import Referral

    busiest = (
        Referral.objects.values("from_commune_id").annotate(n=Count("id")).order_by("-n").first()
    )
    commune = busiest["from_commune_id"] if busiest else None
    officer = User.objects.filter(username=f"officer.{commune}").first()
    province = (
        commune
        and Referral.objects.filter(from_commune_id=commune)
        .values_list("from_province_id", flat=True)
        .first()
    )
    manager = User.objects.filter(username=f"bench.manager.{province}").first()
    if manager is None and province:
        from baove.accounts import actions as account_actions
        from baove.geo.models import Province

        manager = account_actions.create_user(
            username=f"bench.manager.{province}", password=None, role="province_manager",
            province=Province.objects.get(code=province), acting_user=None,
        )  # fmt: skip
    staff = User.objects.filter(username="bench.staff.79.1").first()
    results: dict[str, Any] = {}
    for label, user in (("officer", officer), ("manager", manager), ("provider", staff)):
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
        times = []
        for i in range(args.requests):
            url = "/referrals/" if i % 2 == 0 else "/referrals/?state=open&overdue=on"
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, response.status_code
        times.sort()
        results[label] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        }
    return results


def main() -> int:
    args = _parse()
    _setup(args)
    from django.db import connection

    from baove.referrals.jobs import scan_overdue
    from baove.referrals.models import Referral

    out: dict[str, Any] = {"vendor": connection.vendor, **_fill(args)}
    out["cases"] = args.cases
    out["referrals"] = Referral.objects.count()
    out["open_referrals"] = Referral.objects.filter(is_open=True).count()
    # Repeatable: un-flag the previous run's results so the first scan has its backlog again.
    Referral.objects.filter(overdue=True).update(overdue=False, overdue_scan=None)
    from baove.notifications.models import Notification

    Notification.objects.filter(kind="referral_overdue").delete()
    from django.urls import reverse

    reverse("referrals:list")  # load the URLconf first: a process start-up cost, not the scan's
    first = scan_overdue()
    second = scan_overdue()
    out["scan_first"] = {"seconds": first.seconds, "flagged": first.flagged,
                         "notified": first.notified}  # fmt: skip
    out["scan_second"] = {"seconds": second.seconds, "flagged": second.flagged}
    out["pages"] = _pages(args)
    print(json.dumps(out))
    if args.markdown:
        print("| measurement | target | result |\n|---|---|---|")
        print(f"| overdue scan, first run ({first.flagged:,} flagged, {first.notified:,} "
              f"notifications) | < 10 s | **{first.seconds:.2f} s** |")  # fmt: skip
        print(f"| overdue scan, steady state (nothing new) | | {second.seconds:.3f} s |")
        for label, row in out["pages"].items():
            print(f"| /referrals/ ({label}) p50 / p95 | | {row['p50_ms']} / {row['p95_ms']} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
