"""One error format for the whole API, in the language of the request.

Every refused request answers with the same JSON shape::

    {"code": "validation_error", "message": "...", "field": "birth_date",
     "errors": {"birth_date": ["..."]}}

``code`` is stable and meant for programs, ``message`` is translated for people (the
language comes from ``Accept-Language`` through ``LocaleMiddleware``), ``field`` names the
first input concerned (or null) and ``errors`` lists every message by input name. Lazy
messages are turned into text inside the handlers, while the request's language is active.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja.errors import AuthenticationError, HttpError, ValidationError

from baove.core.errors import DomainError, ValidationFailed

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = [
    "InvalidCredentials",
    "LockedOut",
    "field_name",
    "install_handlers",
    "pydantic_message",
]

#: The field named when the body as a whole is wrong (not JSON, not an object).
BODY = "body"

_VALIDATION_MESSAGE = _("Some of the data sent is not valid; see the messages by field.")
_GENERIC_INVALID = _("This value is not valid.")

# Pydantic error types -> our own messages, so clients get them in their language. Where a
# message already exists in the validation layer (baove.core.validation) the same English
# text is used, so one translation serves both.
_PYDANTIC_MESSAGES: dict[str, Promise] = {
    "missing": _("This field is required."),
    "string_type": _("This must be text."),
    "string_unicode": _("This must be text."),
    "bool_type": _("Answer yes or no."),
    "bool_parsing": _("Answer yes or no."),
    "enum": _("Choose one of the listed options."),
    "literal_error": _("Choose one of the listed options."),
    "list_type": _("This must be a list."),
    "int_type": _("This must be a whole number."),
    "int_parsing": _("This must be a whole number."),
    "int_from_float": _("This must be a whole number."),
    "greater_than": _("This number is out of range."),
    "greater_than_equal": _("This number is out of range."),
    "less_than": _("This number is out of range."),
    "less_than_equal": _("This number is out of range."),
    "date_invalid": _("This is not a valid date (use YYYY-MM-DD)."),
    "datetime_invalid": _("This is not a valid date and time."),
    "timezone_aware": _("This is not a valid date and time."),
    "model_type": _("This must be a JSON object."),
    "model_attributes_type": _("This must be a JSON object."),
    "dict_type": _("This must be a JSON object."),
    "extra_forbidden": _("This field is not expected here."),
}
_TOO_LONG = _("This is too long: at most %(max)d characters.")


def pydantic_message(error: dict[str, Any]) -> str:
    """Return the translated message for one pydantic error (as found in ninja's errors)."""
    kind = str(error.get("type", ""))
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        if isinstance(limit, int):
            return str(_TOO_LONG % {"max": limit})
    if kind.startswith("date_"):
        kind = "date_invalid"
    elif kind.startswith("datetime_"):
        kind = "datetime_invalid"
    return str(_PYDANTIC_MESSAGES.get(kind, _GENERIC_INVALID))


def field_name(loc: tuple[Any, ...] | list[Any], body_param: str | None = None) -> str:
    """Map a ninja error location to the name of the input the client sent.

    ``("body", "payload", "child", "birth_date")`` becomes ``birth_date`` and
    ``("body", "payload", "categories", 0)`` becomes ``categories``: the innermost named
    key, which is also the name the action layer uses in its own errors. The first item is
    the source (body, query, path) and, for bodies, the second is the view's parameter.
    """
    parts = list(loc[1:])
    if loc and loc[0] == "body" and parts and parts[0] == body_param:
        parts = parts[1:]
    names = [p for p in parts if isinstance(p, str)]
    return names[-1] if names else BODY


def _response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    *,
    code: str,
    message: str | Promise,
    field: str | None = None,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body = {"code": code, "message": str(message), "field": field, "errors": errors or {}}
    return api.create_response(request, body, status=status)


def _domain_error(api: NinjaAPI, request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, ValidationFailed):
        errors = {name: [str(m) for m in messages] for name, messages in exc.errors.items()}
    else:
        errors = {exc.field: [str(exc.message)]} if exc.field else {}
    return _response(
        api, request, exc.status_code, code=exc.code, message=exc.message, field=exc.field,
        errors=errors,
    )  # fmt: skip


def _validation_error(api: NinjaAPI, request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        name = error.get("field") or field_name(error.get("loc", ()))
        message = pydantic_message(error)
        if message not in errors.setdefault(name, []):
            errors[name].append(message)
    first = next(iter(errors), None)
    return _response(
        api, request, 422, code="validation_error", message=_VALIDATION_MESSAGE, field=first,
        errors=errors,
    )  # fmt: skip


_HTTP_ERRORS: dict[int, tuple[str, Promise]] = {
    401: ("unauthorized", _("Sign in or send a valid API token.")),
    403: ("csrf_failed", _("The security check failed. Reload the page and try again.")),
    405: ("method_not_allowed", _("This method is not allowed here.")),
    429: ("throttled", _("Too many requests. Wait a moment and try again.")),
}
_MALFORMED_BODY = _("The request body is not valid JSON.")


def _http_error(api: NinjaAPI, request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises HttpError itself for three things: a body it cannot parse (400, chained
    # to the parser's exception), a failed CSRF check (403) and failed authentication (401).
    if exc.status_code == 400:
        response = _response(
            api, request, 400, code="malformed_body", message=_MALFORMED_BODY, field=BODY,
            errors={BODY: [str(_MALFORMED_BODY)]},
        )  # fmt: skip
    else:
        code, message = _HTTP_ERRORS.get(exc.status_code, ("error", _GENERIC_INVALID))
        response = _response(api, request, exc.status_code, code=code, message=message)
    if isinstance(exc, AuthenticationError):
        response["WWW-Authenticate"] = 'Bearer realm="baove"'
    return response


def _not_found(api: NinjaAPI, request: HttpRequest, exc: Http404) -> HttpResponse:
    return _response(api, request, 404, code="not_found", message=_("Not found."))


def _unexpected(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    # A real bug: hand it to Django (logging, ADMINS mail, the plain 500 page). ninja's own
    # default would answer with the traceback as text when DEBUG is on.
    raise exc


E = TypeVar("E", bound=Exception)


def _register(
    api: NinjaAPI,
    exc_class: type[E],
    handler: Callable[[NinjaAPI, HttpRequest, E], HttpResponse],
) -> None:
    def handle(request: HttpRequest, exc: E | type[E]) -> HttpResponse:
        assert isinstance(exc, exc_class)  # ninja passes instances; its signature allows types
        return handler(api, request, exc)

    api.add_exception_handler(exc_class, handle)


def install_handlers(api: NinjaAPI) -> None:
    """Register the API's exception handlers (replacing ninja's defaults)."""
    _register(api, DomainError, _domain_error)
    _register(api, ValidationError, _validation_error)
    _register(api, HttpError, _http_error)
    _register(api, Http404, _not_found)
    api.add_exception_handler(Exception, _unexpected)


class InvalidCredentials(DomainError):
    """Wrong username or password (or an inactive account): no detail on which."""

    status_code = 401
    code = "invalid_credentials"


class LockedOut(DomainError):
    """Too many failed sign-ins for this username and address (django-axes)."""

    status_code = 429
    code = "locked_out"
