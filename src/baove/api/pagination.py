"""Page-number pagination with the same page shape as the caseload (items, total, pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from baove.cases.reads import MAX_PAGE

__all__ = ["PagePagination"]


class PagePagination(PaginationBase):
    """``?page=&per_page=`` -> ``{"items": [...], "total": n, "page": p, "pages": k}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        per_page: int = Field(50, ge=1, le=MAX_PAGE)

    class Output(Schema):
        items: list[Any]
        total: int
        page: int
        pages: int

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: Input,
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        """Return one page of ``queryset`` and the counts around it."""
        total = queryset.count()
        per_page = pagination.per_page
        start = (pagination.page - 1) * per_page
        return {
            "items": list(queryset[start : start + per_page]),
            "total": total,
            "page": pagination.page,
            "pages": max(1, -(-total // per_page)),
        }
