"""Interactive API docs (Swagger UI) that work without internet access.

ninja's default docs page loads Swagger UI from a CDN unless ``ninja`` is an installed app
(then it uses ``{% static %}``). Offices often work offline or behind strict proxies, so
this page serves the Swagger UI files that ship inside the ninja package through the API
itself, with no settings change and no inline script (ninja's ``swagger-ui-init.js`` reads
its configuration from a JSON data block).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _
from ninja.openapi.docs import DocsBase

from baove.core.errors import NotFound

if TYPE_CHECKING:
    from ninja import NinjaAPI

__all__ = ["ASSETS", "OfflineSwagger", "asset_response"]

_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
#: The only files served (a fixed list, so no path from the URL reaches the filesystem).
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png"})
ASSET_URL_NAME = "docs_asset"


class OfflineSwagger(DocsBase):
    """Swagger UI with its JavaScript and CSS served by the API, not a CDN."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        """Render the docs page."""

        def asset(name: str) -> str:
            return reverse(f"{api.urls_namespace}:{ASSET_URL_NAME}", kwargs={"name": name})

        config = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        # Browsers signed in with a session need the CSRF token for POST/PATCH/DELETE.
        html = format_html(
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>{}</title>'
            '<link rel="stylesheet" href="{}"><link rel="icon" href="{}"></head>'
            '<body data-csrf-token="{}" data-api-csrf="true">{}<div id="swagger-ui"></div>'
            '<script src="{}"></script><script src="{}"></script></body></html>',
            api.title,
            asset("swagger-ui.css"),
            asset("favicon.png"),
            get_token(request),
            json_script(config, "swagger-settings"),
            asset("swagger-ui-bundle.js"),
            asset("swagger-ui-init.js"),
        )
        return HttpResponse(html)


def asset_response(name: str) -> FileResponse:
    """Return one of the Swagger UI files bundled with ninja.

    Raises:
        NotFound: ``name`` is not one of :data:`ASSETS`.
    """
    if name not in ASSETS:
        raise NotFound(_("Not found."))
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    # FileResponse closes the file when the response is done.
    response = FileResponse((_STATIC / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
