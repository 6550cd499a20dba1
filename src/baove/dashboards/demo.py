"""Demo data for the dashboards: a few synthetic survey rounds, computed with the real engine."""

from __future__ import annotations

from typing import IO

from baove.dashboards.synthetic import publish_synthetic_rounds

DEMO_ROUNDS = 5
DEMO_HOUSEHOLDS = 1_200


def seed_indicators(stdout: IO[str] | None = None) -> int:
    """Publish ``DEMO_ROUNDS`` synthetic survey rounds (``SYN-<year>``); a few seconds.

    Args:
        stdout: where to write one progress line per round (None: silent).

    Returns:
        The number of results published.
    """

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(line + "\n")

    rounds = publish_synthetic_rounds(n=DEMO_ROUNDS, households=DEMO_HOUSEHOLDS, seed=0, say=say)
    return sum(r.rows for r in rounds)
