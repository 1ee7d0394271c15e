"""Cache-aside album repository.

| Key | TTL |
|---|---|
| `album:<id>` | entity, 1 h |
| `albums:newest:<skip>:<take>`, `albums:alphabetical:…`, `albums:by-artist:…` | entity, 1 h |
| `artist:<id>:albums:<skip>:<take>` | entity, 1 h (goes with its artist) |
| `genre:<id>:albums:<sort>:<order>:<skip>:<take>` | 1 h; 5 min when sorted by plays |
| `albums:count` | count, 30 min |
| `albums:top-played:<take>` | plays, 5 min |
| `play-tracking:<user>:albums:top-played:<take>` | plays, 5 min |
| `play-tracking:<user>:albums:recently-played:<limit>` | plays, 5 min |
| `search:albums:<term>:<skip>:<take>` | search, 1 min |

Favourites are not cached: a star must show at once, and the table is indexed per user.
Scans delete every key under `album`, `artist`, `genre` and `search` (scanner/service.py).
A user's own rankings live under play tracking's per-user prefix, which it drops after each
committed play; the global ranking may lag by its TTL, as the seed's policy allows.
"""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.cache import Cache
from echo.core.cached import (
    COUNT_TTL,
    ENTITY_TTL,
    PLAYS_TTL,
    SEARCH_TTL,
    read_through,
    read_through_raw,
)
from echo.core.paging import Slice
from echo.features.albums.repository import AlbumRepository
from echo.features.albums.schemas import AlbumView
from echo.features.genres.schemas import GenreAlbumSort, Order
from echo.features.play_tracking.cache import user_prefix

_ONE = TypeAdapter(AlbumView | None)
_MANY = TypeAdapter(list[AlbumView])
_SLICE = TypeAdapter(Slice[AlbumView])
_COUNT = TypeAdapter(int)


class CachedAlbumRepository:
    def __init__(self, source: AlbumRepository, cache: Cache) -> None:
        self.source = source
        self.cache = cache

    async def get(self, session: AsyncSession, album_id: uuid.UUID) -> AlbumView | None:
        return await read_through(
            self.cache,
            f"album:{album_id}",
            ENTITY_TTL,
            _ONE,
            lambda: self.source.get(session, album_id),
        )

    async def get_json(self, session: AsyncSession, album_id: uuid.UUID) -> bytes | None:
        return await read_through_raw(
            self.cache,
            f"album:{album_id}",
            ENTITY_TTL,
            _ONE,
            lambda: self.source.get(session, album_id),
        )

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        return await read_through(
            self.cache,
            f"albums:newest:{skip}:{take}",
            ENTITY_TTL,
            _MANY,
            lambda: self.source.newest(session, skip, take),
        )

    async def count(self, session: AsyncSession) -> int:
        return await read_through(
            self.cache, "albums:count", COUNT_TTL, _COUNT, lambda: self.source.count(session)
        )

    async def alphabetical(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        return await read_through(
            self.cache,
            f"albums:alphabetical:{skip}:{take}",
            ENTITY_TTL,
            _MANY,
            lambda: self.source.alphabetical(session, skip, take),
        )

    async def by_artist(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        return await read_through(
            self.cache,
            f"albums:by-artist:{skip}:{take}",
            ENTITY_TTL,
            _MANY,
            lambda: self.source.by_artist(session, skip, take),
        )

    async def top_played(
        self, session: AsyncSession, take: int, user_id: uuid.UUID | None
    ) -> list[AlbumView]:
        scope = "" if user_id is None else user_prefix(user_id)
        return await read_through(
            self.cache,
            f"{scope}albums:top-played:{take}",
            PLAYS_TTL,
            _MANY,
            lambda: self.source.top_played(session, take, user_id),
        )

    async def recently_played(
        self, session: AsyncSession, user_id: uuid.UUID, limit: int
    ) -> list[AlbumView]:
        return await read_through(
            self.cache,
            f"{user_prefix(user_id)}albums:recently-played:{limit}",
            PLAYS_TTL,
            _MANY,
            lambda: self.source.recently_played(session, user_id, limit),
        )

    async def favorites(
        self, session: AsyncSession, user_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]:
        return await self.source.favorites(session, user_id, skip, take)

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[AlbumView]:
        return await read_through(
            self.cache,
            f"search:albums:{term}:{skip}:{take}",
            SEARCH_TTL,
            _SLICE,
            lambda: self.source.search(session, term, skip, take),
        )

    async def of_artist(
        self, session: AsyncSession, artist_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]:
        return await read_through(
            self.cache,
            f"artist:{artist_id}:albums:{skip}:{take}",
            ENTITY_TTL,
            _SLICE,
            lambda: self.source.of_artist(session, artist_id, skip, take),
        )

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreAlbumSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[AlbumView]:
        ttl = PLAYS_TTL if sort is GenreAlbumSort.PLAY_COUNT else ENTITY_TTL
        return await read_through(
            self.cache,
            f"genre:{genre_id}:albums:{sort}:{order}:{skip}:{take}",
            ttl,
            _SLICE,
            lambda: self.source.in_genre(session, genre_id, sort, order, skip, take),
        )
