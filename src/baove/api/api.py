"""The JSON API, mounted at ``/api/`` (see ``baove.urls``).

* Auth: ``Authorization: Bearer bv_...`` (from ``POST /api/token``) or the browser's
  session (with CSRF checks on unsafe methods). See :mod:`baove.api.auth`.
* Errors: one JSON shape for every refusal, translated. See :mod:`baove.api.errors`.
* OpenAPI at ``/api/openapi.json``; Swagger UI at ``/api/docs``, served without a CDN.
"""

from __future__ import annotations

from typing import Any

import pydantic
import pydantic_core
from django.http import FileResponse, HttpRequest
from django.utils.functional import Promise
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.renderers import BaseRenderer

from baove.api import docs
from baove.api.auth import SessionAuth, TokenAuth
from baove.api.errors import field_name, install_handlers
from baove.api.routers import accounts, cases, geo, matching, reports
from baove.dashboards import api as dashboards_api
from baove.monitoring import api as monitoring_api
from baove.notifications import api as notifications_api
from baove.opendata import api as opendata_api
from baove.placements import api as placements_api
from baove.referrals import api as referrals_api
from baove.screening import api as screening_api
from baove.services import api as services_api

__all__ = ["api"]

_DESCRIPTION = """\
Child protection case management for Viet Nam.

Authenticate with `Authorization: Bearer <token>` (get one from `POST /api/token`) or, in
a browser, the signed-in session (send the `X-CSRFToken` header on POST, PATCH, DELETE).

Refused requests answer `{"code", "message", "field", "errors"}`; messages follow
`Accept-Language` (`vi` or `en`). Cases outside your area answer 404, exactly like cases
that do not exist. Changes to a case carry the `expected_version` you read; if someone
changed the case since, the answer is 409 and nothing is changed.
"""


class JSONRenderer(BaseRenderer):
    """JSON through pydantic-core's serializer: several times faster than ``json.dumps``
    with Django's encoder on list responses, and UTF-8 text rather than ``\\u`` escapes."""

    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> bytes:
        """Serialise ``data`` (dicts, lists, dates and times, enums, lazy translations)."""
        return pydantic_core.to_json(data, fallback=_lazy_text)


def _lazy_text(value: Any) -> str:
    if isinstance(value, Promise):  # gettext_lazy text, rendered in the active language
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__} as JSON")


class BaoveAPI(NinjaAPI):
    """NinjaAPI that names the input field of every validation error."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._schema_cache: dict[tuple[str | None, str], OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Build the OpenAPI document once per mount point (it takes about 0.1 s to build)."""
        cache = self._schema_cache
        key = (path_prefix, repr(sorted((path_params or {}).items())))
        if key not in cache:
            cache[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return cache[key]

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """Build ninja's ValidationError, adding ``field`` (the input's name) to each error.

        An empty body fails as one "body missing" error; it is re-validated as ``{}`` so
        the client learns every required field instead.
        """
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            body_param = getattr(model, "__read_from_single_attr__", None)
            if body_param and _is_missing_body(context, body_param):
                try:
                    model.model_validate({body_param: {}})
                except pydantic.ValidationError as exc:
                    context = ValidationErrorContext(exc, model)
            for error in super().validation_error_from_error_contexts([context]).errors:
                error["field"] = field_name(error.get("loc", ()), body_param)
                errors.append(error)
        return ValidationError(errors)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Use the view's name (unique in this API) as the OpenAPI operation id."""
        return operation.view_func.__name__


def _is_missing_body(context: ValidationErrorContext[Any], body_param: str) -> bool:
    errors = context.pydantic_validation_error.errors(include_url=False)
    return len(errors) == 1 and errors[0]["type"] == "missing" and errors[0]["loc"] == (body_param,)


api = BaoveAPI(
    title="baove API",
    version="1",
    description=_DESCRIPTION,
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs=docs.OfflineSwagger(),
    renderer=JSONRenderer(),
)
install_handlers(api)
api.add_router("", accounts.router)
api.add_router("", cases.router)
api.add_router("", reports.router)
api.add_router("", geo.router)
api.add_router("", matching.router)
api.add_router("/services", services_api.router)
api.add_router("/referrals", referrals_api.router)
api.add_router("/notifications", notifications_api.router)
api.add_router("/screening", screening_api.router)
api.add_router("/placements", placements_api.router)
api.add_router("/indicators", dashboards_api.router)
api.add_router("/open", opendata_api.router)
api.add_router("/monitoring", monitoring_api.router)


@api.get("/docs/assets/{name}", auth=None, include_in_schema=False, url_name=docs.ASSET_URL_NAME)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """A Swagger UI file for ``/api/docs`` (bundled with ninja, no CDN)."""
    return docs.asset_response(name)
