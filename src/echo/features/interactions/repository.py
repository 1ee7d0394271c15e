"""Queries on ratings and favourites. Never commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Table, and_, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.db import upsert
from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.interactions.models import Favorite, UserRating
from echo.features.interactions.schemas import FavoriteView, RatingFigures
from echo.features.tracks.models import Track


def _table(model: type[UserRating] | type[Favorite]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def item_name(session: AsyncSession, item_type: str, item_id: uuid.UUID) -> str | None:
    """The track's title, the album's or artist's name; None when there is no such item."""
    if item_type == "track":
        return await session.scalar(select(Track.title).where(Track.id == item_id))
    if item_type == "album":
        return await session.scalar(select(Album.name).where(Album.id == item_id))
    if item_type == "artist":
        return await session.scalar(select(Artist.name).where(Artist.id == item_id))
    raise ValueError(f"not a library item type: {item_type}")


async def save_rating(
    session: AsyncSession,
    user_id: uuid.UUID,
    item_type: str,
    item_id: uuid.UUID,
    rating: int,
    now: datetime,
) -> UserRating:
    """Insert or replace in one statement, so two concurrent ratings cannot collide."""
    insert = upsert(session, _table(UserRating))
    await session.execute(
        insert.values(
            user_id=user_id,
            item_id=item_id,
            item_type=item_type,
            rating=rating,
            created_at=now,
            updated_at=now,
        ).on_conflict_do_update(
            index_elements=["user_id", "item_id", "item_type"],
            set_={"rating": insert.excluded.rating, "updated_at": insert.excluded.updated_at},
        )
    )
    saved = await session.get(UserRating, (user_id, item_id, item_type), populate_existing=True)
    assert saved is not None
    return saved


async def delete_rating(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID
) -> None:
    await session.execute(
        delete(UserRating).where(
            UserRating.user_id == user_id,
            UserRating.item_type == item_type,
            UserRating.item_id == item_id,
        )
    )


async def get_rating(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID
) -> UserRating | None:
    return await session.get(UserRating, (user_id, item_id, item_type))


async def user_ratings(
    session: AsyncSession, user_id: uuid.UUID, item_type: str | None
) -> list[UserRating]:
    query = select(UserRating).where(UserRating.user_id == user_id)
    if item_type is not None:
        query = query.where(UserRating.item_type == item_type)
    query = query.order_by(UserRating.updated_at.desc(), UserRating.item_type, UserRating.item_id)
    return list(await session.scalars(query))


async def rating_figures(
    session: AsyncSession, item_type: str, item_id: uuid.UUID
) -> RatingFigures:
    row = (
        await session.execute(
            select(func.avg(UserRating.rating), func.count()).where(
                UserRating.item_type == item_type, UserRating.item_id == item_id
            )
        )
    ).one()
    return RatingFigures(average_rating=float(row[0] or 0.0), total_ratings=int(row[1]))


async def add_favorite(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID, now: datetime
) -> Favorite:
    """Starring twice keeps the first star and its time."""
    insert = upsert(session, _table(Favorite))
    await session.execute(
        insert.values(
            user_id=user_id, item_id=item_id, item_type=item_type, created_at=now
        ).on_conflict_do_nothing(index_elements=["user_id", "item_id", "item_type"])
    )
    saved = await session.get(Favorite, (user_id, item_id, item_type), populate_existing=True)
    assert saved is not None
    return saved


async def delete_favorite(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID
) -> None:
    await session.execute(
        delete(Favorite).where(
            Favorite.user_id == user_id,
            Favorite.item_type == item_type,
            Favorite.item_id == item_id,
        )
    )


async def is_favorite(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID
) -> bool:
    return await session.get(Favorite, (user_id, item_id, item_type)) is not None


async def favorites_page(
    session: AsyncSession, user_id: uuid.UUID, item_type: str | None, skip: int, take: int
) -> tuple[list[FavoriteView], int]:
    """Newest first, with each item's name; stars of items deleted since are left out."""
    name = case(
        (Favorite.item_type == "track", Track.title),
        (Favorite.item_type == "album", Album.name),
        (Favorite.item_type == "artist", Artist.name),
    )
    query = (
        select(Favorite.item_type, Favorite.item_id, name.label("name"), Favorite.created_at)
        .outerjoin(Track, and_(Favorite.item_type == "track", Track.id == Favorite.item_id))
        .outerjoin(Album, and_(Favorite.item_type == "album", Album.id == Favorite.item_id))
        .outerjoin(Artist, and_(Favorite.item_type == "artist", Artist.id == Favorite.item_id))
        .where(Favorite.user_id == user_id, name.is_not(None))
    )
    if item_type is not None:
        query = query.where(Favorite.item_type == item_type)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await session.execute(
        query.order_by(Favorite.created_at.desc(), Favorite.item_type, Favorite.item_id)
        .offset(skip)
        .limit(take)
    )
    return [FavoriteView.model_validate(row) for row in rows], total
