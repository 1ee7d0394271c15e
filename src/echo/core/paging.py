"""Paging: the JSON envelopes of list endpoints and the slices repositories return."""

from __future__ import annotations

import math
from typing import Generic, Self, TypeVar

from pydantic import BaseModel

from echo.core.schemas import ApiModel

T = TypeVar("T")


class Slice(BaseModel, Generic[T]):
    """One page of a list, with the size of the whole list."""

    items: list[T]
    total: int


class SkipPage(ApiModel, Generic[T]):
    """`skip`/`take` paging: `{data, total, skip, take, hasMore}`."""

    data: list[T]
    total: int
    skip: int
    take: int
    has_more: bool

    @classmethod
    def of(cls, items: list[T], total: int, skip: int, take: int) -> Self:
        return cls(data=items, total=total, skip=skip, take=take, has_more=skip + take < total)


class NumberedPage(ApiModel, Generic[T]):
    """`page`/`limit` paging: `{data, total, page, limit, totalPages, hasMore}`."""

    data: list[T]
    total: int
    page: int
    limit: int
    total_pages: int
    has_more: bool

    @classmethod
    def of(cls, items: list[T], total: int, page: int, limit: int) -> Self:
        return cls(
            data=items,
            total=total,
            page=page,
            limit=limit,
            total_pages=math.ceil(total / limit),
            has_more=page * limit < total,
        )


def clamp(value: int, low: int, high: int) -> int:
    """The original clamps out-of-range paging values instead of refusing them."""
    return min(max(value, low), high)
