"""Per-request context (channel, request id, client address) for the audit log.

Context variables work for threads (WSGI workers) and async code alike, so actions can
record which path a change came through without every caller passing it along.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestContext:
    """Where the current operation came from."""

    channel: str = "system"  # web, api, cli, system
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    path: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("baove_request_context", default=None)


def current() -> RequestContext:
    """Return the context of the running operation (``system`` when none was set)."""
    ctx = _current.get()
    return ctx if ctx is not None else RequestContext()


@contextlib.contextmanager
def use(ctx: RequestContext) -> Iterator[RequestContext]:
    """Run the enclosed block with ``ctx`` as the current context."""
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
