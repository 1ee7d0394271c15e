"""Request and response bodies of /api/interactions: ratings and favourites."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel

# Playlists are part of the API's vocabulary but refused until the playlists feature exists.
ItemType = Literal["track", "album", "artist", "playlist"]
LibraryItemType = Literal["track", "album", "artist"]


class RatingRequest(InputModel):
    item_id: uuid.UUID
    item_type: ItemType
    rating: int = Field(ge=1, le=5)


class RatingView(ApiModel):
    user_id: uuid.UUID
    item_id: uuid.UUID
    item_type: str
    rating: int
    created_at: datetime
    updated_at: datetime


class RatingFigures(ApiModel):
    """All users' ratings of one item; cached, since it is the same for everyone."""

    average_rating: float
    total_ratings: int


class ItemInteractions(ApiModel):
    item_id: uuid.UUID
    item_type: str
    user_rating: int | None
    average_rating: float
    total_ratings: int
    is_favorite: bool


class FavoriteView(ApiModel):
    item_type: str
    item_id: uuid.UUID
    name: str
    created_at: datetime


class FavoritePage(ApiModel):
    """`{data, total, skip, take, hasMore}`, the skip/take envelope of the list endpoints."""

    data: list[FavoriteView]
    total: int
    skip: int
    take: int
    has_more: bool
