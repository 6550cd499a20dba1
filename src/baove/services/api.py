"""JSON API of the services app (mounted under ``/api/``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["services"])
