"""/api/interactions routes: ratings (spec 2.16) and favourites (stars)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from echo.features.auth.dependencies import CurrentUser, ServicesDep
from echo.features.interactions import service
from echo.features.interactions.schemas import (
    FavoritePage,
    FavoriteView,
    ItemInteractions,
    ItemType,
    LibraryItemType,
    RatingRequest,
    RatingView,
)

router = APIRouter(prefix="/interactions", tags=["interactions"])

UNKNOWN_ITEM: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such track, album or artist"}
}


@router.post("/rating", responses=UNKNOWN_ITEM)
async def rate_item(body: RatingRequest, user: CurrentUser, services: ServicesDep) -> RatingView:
    return await service.rate_item(services, user.id, body.item_type, body.item_id, body.rating)


@router.delete("/rating/{item_type}/{item_id}", status_code=204)
async def remove_rating(
    item_type: ItemType, item_id: uuid.UUID, user: CurrentUser, services: ServicesDep
) -> None:
    await service.remove_rating(services, user.id, item_type, item_id)


@router.get("/me")
async def my_ratings(
    user: CurrentUser,
    services: ServicesDep,
    item_type: Annotated[ItemType | None, Query(alias="itemType")] = None,
) -> list[RatingView]:
    return await service.list_my_ratings(services, user.id, item_type)


@router.get("/item/{item_type}/{item_id}", responses=UNKNOWN_ITEM)
async def item_interactions(
    item_type: ItemType, item_id: uuid.UUID, user: CurrentUser, services: ServicesDep
) -> ItemInteractions:
    return await service.get_item_interactions(services, user.id, item_type, item_id)


@router.put("/favorite/{item_type}/{item_id}", responses=UNKNOWN_ITEM)
async def star_item(
    item_type: ItemType, item_id: uuid.UUID, user: CurrentUser, services: ServicesDep
) -> FavoriteView:
    return await service.star_item(services, user.id, item_type, item_id)


@router.delete("/favorite/{item_type}/{item_id}", status_code=204)
async def unstar_item(
    item_type: ItemType, item_id: uuid.UUID, user: CurrentUser, services: ServicesDep
) -> None:
    await service.unstar_item(services, user.id, item_type, item_id)


@router.get("/favorites")
async def favorites(
    user: CurrentUser,
    services: ServicesDep,
    item_type: Annotated[LibraryItemType | None, Query(alias="itemType")] = None,
    skip: Annotated[int, Query(ge=0, le=10**9)] = 0,
    take: Annotated[int, Query(ge=1, le=100)] = 20,
) -> FavoritePage:
    return await service.list_favorites(services, user.id, item_type, skip, take)
