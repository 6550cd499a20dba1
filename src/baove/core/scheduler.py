"""Background jobs inside the web process, for installations without cron or systemd.

The embedded default (``baove demo``, a single small server) calls
:func:`start_background_jobs`; production runs the jobs' management commands from cron or a
systemd timer instead (see docs/referrals.md). Jobs must be safe to run in several
processes at once, because each web worker may start its own thread: the overdue scan is
(its conditional UPDATE flags each referral once and notifications are unique per key).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections

log = logging.getLogger(__name__)

#: name -> job; each job takes no arguments.
JOBS: dict[str, Callable[[], object]] = {}


def register(name: str, job: Callable[[], object]) -> None:
    """Register ``job`` to run on every tick under ``name`` (registering again replaces)."""
    JOBS[name] = job


def _default_jobs() -> None:
    from baove.monitoring.reads import warm
    from baove.referrals.jobs import scan_overdue

    JOBS.setdefault("referrals.scan_overdue", scan_overdue)
    JOBS.setdefault("monitoring.warm", warm)


def run_once() -> dict[str, str]:
    """Run every registered job once; a failing job is logged and does not stop the others.

    Returns:
        ``name -> "ok"`` or the error's class name.
    """
    _default_jobs()
    out: dict[str, str] = {}
    for name, job in list(JOBS.items()):
        close_old_connections()
        try:
            job()
            out[name] = "ok"
        except Exception as exc:
            log.exception("background job %s failed", name)
            out[name] = type(exc).__name__
        finally:
            close_old_connections()
    return out


def start_background_jobs(
    interval_seconds: float = 300, *, stop: threading.Event | None = None
) -> threading.Thread:
    """Start a daemon thread that runs the registered jobs now and every ``interval_seconds``.

    Args:
        interval_seconds: Pause between two rounds.
        stop: Set it to end the thread (tests); the thread also dies with the process.

    Returns:
        The started thread.
    """
    event = stop or threading.Event()

    def loop() -> None:
        while not event.is_set():
            run_once()
            event.wait(interval_seconds)

    thread = threading.Thread(target=loop, name="baove-background-jobs", daemon=True)
    thread.start()
    return thread
