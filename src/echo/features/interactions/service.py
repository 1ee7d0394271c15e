"""Ratings (1–5) and favourites (stars) of tracks, albums and artists."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import InvalidInput, NotFound
from echo.features.interactions import cache, repository
from echo.features.interactions.schemas import (
    FavoritePage,
    FavoriteView,
    ItemInteractions,
    ItemType,
    LibraryItemType,
    RatingFigures,
    RatingView,
)


def _refuse_playlists(item_type: ItemType) -> None:
    # The original rates playlists too; they can be accepted once the playlists feature
    # exists to say whether the playlist does. Until then a clear 400, not a dangling row.
    if item_type == "playlist":
        raise InvalidInput("Playlists cannot be rated or starred yet")


async def _existing_name(session: AsyncSession, item_type: ItemType, item_id: uuid.UUID) -> str:
    _refuse_playlists(item_type)
    name = await repository.item_name(session, item_type, item_id)
    if name is None:
        raise NotFound(f"{item_type.capitalize()} not found")
    return name


async def rate_item(
    services: Services, user_id: uuid.UUID, item_type: ItemType, item_id: uuid.UUID, rating: int
) -> RatingView:
    """Sets or replaces the user's rating of the item."""
    async with services.sessions() as session:
        await _existing_name(session, item_type, item_id)
        saved = await repository.save_rating(session, user_id, item_type, item_id, rating, utcnow())
        view = RatingView.model_validate(saved)
        await session.commit()
    await cache.forget_item(services.cache, item_type, item_id)
    return view


async def remove_rating(
    services: Services, user_id: uuid.UUID, item_type: ItemType, item_id: uuid.UUID
) -> None:
    """Idempotent; works for an item deleted since it was rated."""
    _refuse_playlists(item_type)
    async with services.sessions() as session:
        await repository.delete_rating(session, user_id, item_type, item_id)
        await session.commit()
    await cache.forget_item(services.cache, item_type, item_id)


async def list_my_ratings(
    services: Services, user_id: uuid.UUID, item_type: ItemType | None = None
) -> list[RatingView]:
    """Most recently changed first."""
    async with services.sessions() as session:
        ratings = await repository.user_ratings(session, user_id, item_type)
        return [RatingView.model_validate(rating) for rating in ratings]


async def get_item_interactions(
    services: Services, user_id: uuid.UUID, item_type: ItemType, item_id: uuid.UUID
) -> ItemInteractions:
    """All users' average rating, and the caller's own rating and star."""
    async with services.sessions() as session:
        await _existing_name(session, item_type, item_id)
        mine = await repository.get_rating(session, user_id, item_type, item_id)
        starred = await repository.is_favorite(session, user_id, item_type, item_id)

    async def load() -> RatingFigures:
        async with services.sessions() as session:
            return await repository.rating_figures(session, item_type, item_id)

    figures = await cache.rating_figures(services.cache, item_type, item_id, load)
    return ItemInteractions(
        item_id=item_id,
        item_type=item_type,
        user_rating=mine.rating if mine else None,
        average_rating=figures.average_rating,
        total_ratings=figures.total_ratings,
        is_favorite=starred,
    )


async def star_item(
    services: Services, user_id: uuid.UUID, item_type: ItemType, item_id: uuid.UUID
) -> FavoriteView:
    """Idempotent: starring a starred item keeps its first star time."""
    async with services.sessions() as session:
        name = await _existing_name(session, item_type, item_id)
        favorite = await repository.add_favorite(session, user_id, item_type, item_id, utcnow())
        view = FavoriteView(
            item_type=item_type, item_id=item_id, name=name, created_at=favorite.created_at
        )
        await session.commit()
    await cache.forget_item(services.cache, item_type, item_id)
    return view


async def unstar_item(
    services: Services, user_id: uuid.UUID, item_type: ItemType, item_id: uuid.UUID
) -> None:
    """Idempotent; works for an item deleted since it was starred."""
    _refuse_playlists(item_type)
    async with services.sessions() as session:
        await repository.delete_favorite(session, user_id, item_type, item_id)
        await session.commit()
    await cache.forget_item(services.cache, item_type, item_id)


async def list_favorites(
    services: Services,
    user_id: uuid.UUID,
    item_type: LibraryItemType | None = None,
    skip: int = 0,
    take: int = 20,
) -> FavoritePage:
    """The user's starred items, newest star first."""
    async with services.sessions() as session:
        items, total = await repository.favorites_page(session, user_id, item_type, skip, take)
    return FavoritePage(
        data=items, total=total, skip=skip, take=take, has_more=skip + len(items) < total
    )
