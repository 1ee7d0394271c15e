"""Cache-aside track repository.

| Key | TTL |
|---|---|
| `track:<id>` | entity, 1 h |
| `tracks:newest:<skip>:<take>` | entity, 1 h |
| `tracks:count` | count, 30 min |
| `album:<id>:tracks:<skip>:<take>` | entity, 1 h (goes with its album) |
| `genre:<id>:tracks:<sort>:<order>:<skip>:<take>` | 1 h; 5 min when sorted by plays |
| `search:tracks:<term>:<skip>:<take>` | search, 1 min |

Shuffled pages are not cached: each seed is one client's sequence, read once.
Scans delete every key under `track`, `album` and `search` (scanner/service.py).
"""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.cache import Cache
from echo.core.cached import COUNT_TTL, ENTITY_TTL, PLAYS_TTL, SEARCH_TTL, read_through
from echo.core.paging import Slice
from echo.features.genres.schemas import GenreTrackSort, Order
from echo.features.tracks.repository import TrackRepository
from echo.features.tracks.schemas import TrackView

_ONE = TypeAdapter(TrackView | None)
_MANY = TypeAdapter(list[TrackView])
_SLICE = TypeAdapter(Slice[TrackView])
_COUNT = TypeAdapter(int)


class CachedTrackRepository:
    def __init__(self, source: TrackRepository, cache: Cache) -> None:
        self.source = source
        self.cache = cache

    async def get(self, session: AsyncSession, track_id: uuid.UUID) -> TrackView | None:
        return await read_through(
            self.cache,
            f"track:{track_id}",
            ENTITY_TTL,
            _ONE,
            lambda: self.source.get(session, track_id),
        )

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[TrackView]:
        return await read_through(
            self.cache,
            f"tracks:newest:{skip}:{take}",
            ENTITY_TTL,
            _MANY,
            lambda: self.source.newest(session, skip, take),
        )

    async def count(self, session: AsyncSession) -> int:
        return await read_through(
            self.cache, "tracks:count", COUNT_TTL, _COUNT, lambda: self.source.count(session)
        )

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[TrackView]:
        return await read_through(
            self.cache,
            f"search:tracks:{term}:{skip}:{take}",
            SEARCH_TTL,
            _SLICE,
            lambda: self.source.search(session, term, skip, take),
        )

    async def shuffled(
        self, session: AsyncSession, seed: float, skip: int, take: int
    ) -> list[TrackView]:
        return await self.source.shuffled(session, seed, skip, take)

    async def in_album(
        self, session: AsyncSession, album_id: uuid.UUID, skip: int, take: int
    ) -> Slice[TrackView]:
        return await read_through(
            self.cache,
            f"album:{album_id}:tracks:{skip}:{take}",
            ENTITY_TTL,
            _SLICE,
            lambda: self.source.in_album(session, album_id, skip, take),
        )

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreTrackSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[TrackView]:
        ttl = PLAYS_TTL if sort is GenreTrackSort.PLAY_COUNT else ENTITY_TTL
        return await read_through(
            self.cache,
            f"genre:{genre_id}:tracks:{sort}:{order}:{skip}:{take}",
            ttl,
            _SLICE,
            lambda: self.source.in_genre(session, genre_id, sort, order, skip, take),
        )
