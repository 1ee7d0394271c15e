"""Cache-aside artist repository.

| Key | TTL |
|---|---|
| `artist:<id>` | entity, 1 h |
| `artists:newest:<skip>:<take>` | entity, 1 h |
| `genre:<id>:artists:<sort>:<order>:<skip>:<take>` | entity, 1 h (goes with its genre) |
| `artists:count` | count, 30 min |
| `artist:<id>:top-tracks:<limit>:<days>`, `artist:<id>:stats`, `artist:<id>:related:<limit>` | plays, 5 min |
| `search:artists:<term>:<skip>:<take>` | search, 1 min |

Scans delete every key under `artist`, `genre` and `search` (scanner/service.py).
"""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.cache import Cache
from echo.core.cached import COUNT_TTL, ENTITY_TTL, PLAYS_TTL, SEARCH_TTL, read_through
from echo.core.paging import Slice
from echo.features.artists.repository import ArtistRepository
from echo.features.artists.schemas import ArtistStats, ArtistView, RelatedArtists, TopTrack
from echo.features.genres.schemas import GenreArtistSort, Order

_ONE = TypeAdapter(ArtistView | None)
_MANY = TypeAdapter(list[ArtistView])
_SLICE = TypeAdapter(Slice[ArtistView])
_COUNT = TypeAdapter(int)
_TOP = TypeAdapter(list[TopTrack])
_STATS = TypeAdapter(ArtistStats)
_RELATED = TypeAdapter(RelatedArtists)


class CachedArtistRepository:
    def __init__(self, source: ArtistRepository, cache: Cache) -> None:
        self.source = source
        self.cache = cache

    async def get(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistView | None:
        return await read_through(
            self.cache,
            f"artist:{artist_id}",
            ENTITY_TTL,
            _ONE,
            lambda: self.source.get(session, artist_id),
        )

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[ArtistView]:
        return await read_through(
            self.cache,
            f"artists:newest:{skip}:{take}",
            ENTITY_TTL,
            _MANY,
            lambda: self.source.newest(session, skip, take),
        )

    async def count(self, session: AsyncSession) -> int:
        return await read_through(
            self.cache, "artists:count", COUNT_TTL, _COUNT, lambda: self.source.count(session)
        )

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[ArtistView]:
        return await read_through(
            self.cache,
            f"search:artists:{term}:{skip}:{take}",
            SEARCH_TTL,
            _SLICE,
            lambda: self.source.search(session, term, skip, take),
        )

    async def top_tracks(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int, days: int | None
    ) -> list[TopTrack]:
        return await read_through(
            self.cache,
            f"artist:{artist_id}:top-tracks:{limit}:{days}",
            PLAYS_TTL,
            _TOP,
            lambda: self.source.top_tracks(session, artist_id, limit, days),
        )

    async def stats(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistStats:
        return await read_through(
            self.cache,
            f"artist:{artist_id}:stats",
            PLAYS_TTL,
            _STATS,
            lambda: self.source.stats(session, artist_id),
        )

    async def related(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int
    ) -> RelatedArtists:
        return await read_through(
            self.cache,
            f"artist:{artist_id}:related:{limit}",
            PLAYS_TTL,
            _RELATED,
            lambda: self.source.related(session, artist_id, limit),
        )

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreArtistSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[ArtistView]:
        return await read_through(
            self.cache,
            f"genre:{genre_id}:artists:{sort}:{order}:{skip}:{take}",
            ENTITY_TTL,
            _SLICE,
            lambda: self.source.in_genre(session, genre_id, sort, order, skip, take),
        )
