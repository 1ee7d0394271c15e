"""Genre queries. `GenreRepository` has two implementations: this SQL one and the cache-aside
one in cache.py, picked in bootstrap.py. Repositories never commit."""

from __future__ import annotations

import hashlib
import re
import uuid
from typing import Any, Protocol

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.paging import Slice
from echo.core.search import contains
from echo.features.albums.models import Album
from echo.features.albums.schemas import cover_url
from echo.features.genres.models import Genre, track_genres
from echo.features.genres.schemas import GenreSort, GenreView, Order
from echo.features.tracks.models import Track

# Colours of the genre tiles for common genres; any other genre gets one from its name's hash.
PALETTE = {
    "rock": "#e74c3c", "pop": "#e91e63", "jazz": "#3f51b5", "blues": "#2c5aa0",
    "classical": "#8e6c3a", "electronic": "#00bcd4", "dance": "#9c27b0", "hip-hop": "#ff9800",
    "rap": "#ff5722", "r&b": "#795548", "soul": "#a0522d", "metal": "#37474f",
    "punk": "#c2185b", "folk": "#689f38", "country": "#cddc39", "reggae": "#43a047",
    "latin": "#ffb300", "ambient": "#26a69a", "indie": "#7e57c2", "soundtrack": "#5c6bc0",
}  # fmt: skip
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def listed() -> ColumnElement[bool]:
    return Genre.song_count > 0


def slug(key: str) -> str:
    return _NOT_SLUG.sub("-", key).strip("-") or "genre"


def cover_color(key: str) -> str:
    if key in PALETTE:
        return PALETTE[key]
    hue = int(hashlib.md5(key.encode(), usedforsecurity=False).hexdigest()[:8], 16) % 360
    return f"hsl({hue}, 55%, 45%)"


class GenreRepository(Protocol):
    """Views come without `coverImageUrl`; `covers()` gives them, for every genre at once."""

    async def get(self, session: AsyncSession, genre_id: uuid.UUID) -> GenreView | None: ...

    async def listing(
        self,
        session: AsyncSession,
        sort: GenreSort,
        order: Order,
        term: str | None,
        skip: int,
        take: int,
    ) -> Slice[GenreView]: ...

    async def covers(self, session: AsyncSession) -> dict[uuid.UUID, str]: ...


class SqlGenreRepository:
    async def get(self, session: AsyncSession, genre_id: uuid.UUID) -> GenreView | None:
        genre = await session.get(Genre, genre_id)
        return None if genre is None else genre_view(genre)

    async def listing(
        self,
        session: AsyncSession,
        sort: GenreSort,
        order: Order,
        term: str | None,
        skip: int,
        take: int,
    ) -> Slice[GenreView]:
        """Genres with tracks; `term` matches the folded name anywhere."""
        query = select(Genre).where(listed())
        if term:
            query = query.where(contains(Genre.key, term, session.get_bind().dialect.name))
        column: Any = {
            GenreSort.NAME: Genre.key,
            GenreSort.TRACK_COUNT: Genre.song_count,
            GenreSort.ALBUM_COUNT: Genre.album_count,
        }[sort]
        key = column.asc() if order is Order.ASC else column.desc()
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.order_by(key, Genre.id).offset(skip).limit(take)
        return Slice(items=[genre_view(g) for g in await session.scalars(page)], total=total)

    async def covers(self, session: AsyncSession) -> dict[uuid.UUID, str]:
        """Per genre, the cover of the album with a cover that has most of its present tracks
        (ties: the smallest album id). One pass over the whole library: callers cache it."""
        tracks = func.count()
        ranked = (
            select(
                track_genres.c.genre_id,
                Album.id.label("album_id"),
                Album.cover_hash,
                func.row_number()
                .over(partition_by=track_genres.c.genre_id, order_by=(tracks.desc(), Album.id))
                .label("rank"),
            )
            .join(Track, Track.id == track_genres.c.track_id)
            .join(Album, Album.id == Track.album_id)
            .where(Track.missing_at.is_(None), Album.cover_hash.is_not(None))
            .group_by(track_genres.c.genre_id, Album.id, Album.cover_hash)
            .subquery()
        )
        rows = await session.execute(
            select(ranked.c.genre_id, ranked.c.album_id, ranked.c.cover_hash).where(
                ranked.c.rank == 1
            )
        )
        return {
            genre_id: url
            for genre_id, album_id, cover_hash in rows
            if (url := cover_url(album_id, cover_hash))
        }


def genre_view(genre: Genre) -> GenreView:
    return GenreView(
        id=genre.id,
        name=genre.name,
        slug=slug(genre.key),
        track_count=genre.song_count,
        album_count=genre.album_count,
        artist_count=genre.artist_count,
        cover_image_url=None,
        cover_color=cover_color(genre.key),
    )
