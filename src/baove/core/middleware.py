"""Middleware that sets the request context used by the audit log."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from baove.core import context


class RequestContextMiddleware:
    """Record channel (web or api), request id and client address for each request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        ctx = context.RequestContext(
            channel=channel, ip=request.META.get("REMOTE_ADDR"), path=request.path[:200]
        )
        with context.use(ctx):
            response = self.get_response(request)
        response["X-Request-Id"] = ctx.request_id
        return response
