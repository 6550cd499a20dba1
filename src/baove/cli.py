"""The ``baove`` command line.

``baove demo`` sets up an embedded SQLite database with geography, demo users and synthetic
cases and serves the web app on localhost; ``baove serve`` runs the production server
(gunicorn); ``baove manage ...`` passes through to Django's management commands.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    import django

    django.setup()


def _call(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def serve(host: str, port: int, workers: int, *, jobs: bool = True) -> None:
    """Serve the web app with gunicorn (a real multi-process HTTP server).

    With ``jobs``, the scheduled jobs (the overdue-referral scan) run in a background thread
    of this process every five minutes, so the embedded default needs no cron or extra
    service; production may turn them off and run ``manage.py referrals_scan`` from cron.
    """
    from gunicorn.app.base import BaseApplication

    if jobs:
        from baove.core.scheduler import start_background_jobs

        start_background_jobs(300)

    from baove.wsgi import application

    class _App(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)
            # The national PDF report takes about 10 s on an idle 2-core machine; leave room.
            self.cfg.set("timeout", 120)

        def load(self) -> Any:
            return application

    _App().run()


def cmd_demo(args: argparse.Namespace) -> int:
    _setup()
    from django.conf import settings

    from baove.demo import prepare_demo

    print(f"baove demo: data folder {settings.DATA_DIR}")
    logins = prepare_demo(cases=args.cases, stdout=sys.stdout)
    print("\nDemo sign-ins (username / password / role):")
    for username, password, role in logins:
        print(f"  {username:<22} {password:<22} {role}")
    if args.no_serve:
        return 0
    print(f"\nOpen http://{args.host}:{args.port}/ in a browser. Stop with Ctrl+C.\n", flush=True)
    serve(args.host, args.port, args.workers, jobs=not args.no_jobs)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup()
    if args.migrate:
        _call("migrate", "--no-input")
    serve(args.host, args.port, args.workers, jobs=not args.no_jobs)
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup()
    _call("migrate", "--no-input")
    return 0


def cmd_createuser(args: argparse.Namespace) -> int:
    _setup()
    from baove.accounts.actions import create_user
    from baove.accounts.models import Agency
    from baove.core.errors import DomainError, ValidationFailed
    from baove.geo.models import Commune, Province

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    try:
        user = create_user(
            username=args.username,
            password=password,
            role=args.role,
            acting_user=None,
            commune=Commune.objects.filter(code=args.commune).first() if args.commune else None,
            province=Province.objects.filter(code=args.province).first() if args.province else None,
            agency=Agency.objects.filter(code=args.agency).first() if args.agency else None,
        )
    except ValidationFailed as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                print(f"error: {field}: {message}", file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created {user.username} ({user.role})")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    _setup()
    _call("seed", "--cases", str(args.cases), "--seed", str(args.seed))
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["baove manage", *args.rest])
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    # Analytics commands are plain Python: no Django set-up, so they run on any survey file.
    from baove.indicators.survey.cli import main as survey_main

    return survey_main(args.rest)


def cmd_indicators(args: argparse.Namespace) -> int:
    from baove.indicators.cli import main as indicators_main

    return indicators_main(args.rest)


def cmd_link(args: argparse.Namespace) -> int:
    from baove.linkage.cli import main as link_main

    return link_main(args.rest)


def cmd_screen(args: argparse.Namespace) -> int:
    from baove.riskrules.cli import main as screen_main

    return screen_main(args.rest)


def cmd_synth(args: argparse.Namespace) -> int:
    from baove.synth.survey import main as synth_survey_main

    if args.what == "survey":
        return synth_survey_main(args.rest)
    return 2  # pragma: no cover - argparse restricts the choices


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``baove`` command."""
    from baove.accounts.roles import Role

    parser = argparse.ArgumentParser(prog="baove", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument("--workers", type=int, default=2)
        p.add_argument(
            "--no-jobs",
            action="store_true",
            help="do not run the scheduled jobs in this process (run them from cron instead)",
        )

    demo = sub.add_parser("demo", help="set up demo data and serve the web app on localhost")
    demo.add_argument("--cases", type=int, default=3000, help="synthetic cases (first run)")
    demo.add_argument("--no-serve", action="store_true", help="prepare only, do not serve")
    server_args(demo)
    demo.set_defaults(func=cmd_demo)

    serve_p = sub.add_parser("serve", help="serve the web app with gunicorn")
    serve_p.add_argument("--migrate", action="store_true", help="apply migrations first")
    server_args(serve_p)
    serve_p.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="create or update the database").set_defaults(func=cmd_migrate)

    cu = sub.add_parser("createuser", help="create a user (asks for the password)")
    cu.add_argument("username")
    cu.add_argument("--role", required=True, choices=Role.values)
    cu.add_argument("--commune", help="commune code (commune officers)")
    cu.add_argument("--province", help="province code (province managers)")
    cu.add_argument("--agency", help="agency code (service provider staff)")
    cu.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    cu.set_defaults(func=cmd_createuser)

    seed = sub.add_parser("seed", help="add synthetic cases (for testing and benchmarks)")
    seed.add_argument("--cases", type=int, default=1000)
    seed.add_argument("--seed", type=int, default=42)
    seed.set_defaults(func=cmd_seed)

    survey = sub.add_parser(
        "survey", help="design-based estimates from a survey file (baove survey estimate -h)"
    )
    survey.add_argument("rest", nargs=argparse.REMAINDER)
    survey.set_defaults(func=cmd_survey)

    ind = sub.add_parser(
        "indicators", help="the SDG indicator catalogue: list, compute, admin, progress"
    )
    ind.add_argument("rest", nargs=argparse.REMAINDER)
    ind.set_defaults(func=cmd_indicators)

    link = sub.add_parser("link", help="record linkage across sources (baove link run|evaluate -h)")
    link.add_argument("rest", nargs=argparse.REMAINDER)
    link.set_defaults(func=cmd_link)

    screen = sub.add_parser(
        "screen", help="early risk screening (baove screen proactive|check-rules -h)"
    )
    screen.add_argument("rest", nargs=argparse.REMAINDER)
    screen.set_defaults(func=cmd_screen)

    synth = sub.add_parser("synth", help="write synthetic data (baove synth survey -h)")
    synth.add_argument("what", choices=["survey"])
    synth.add_argument("rest", nargs=argparse.REMAINDER)
    synth.set_defaults(func=cmd_synth)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``baove`` command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baove.settings")
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
