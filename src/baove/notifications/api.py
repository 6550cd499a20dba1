"""JSON API of the notifications app (mounted under ``/api/``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["notifications"])
