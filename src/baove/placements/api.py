"""JSON API of the placements app (mounted under ``/api/``)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["placements"])
