"""Cache-aside genre repository.

| Key | TTL |
|---|---|
| `genre:<id>` | entity, 1 h |
| `genres:list:<sort>:<order>:<skip>:<take>` | entity, 1 h |
| `search:genres:<term>:<sort>:<order>:<skip>:<take>` | search, 1 min |
| `genres:covers` (every genre's cover: one pass over the library) | entity, 1 h |

A genre's albums, tracks and artists are cached by their own repositories under `genre:<id>:`.
Scans delete every key under `genre` and `search` (scanner/service.py).
"""

from __future__ import annotations

import uuid

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.cache import Cache
from echo.core.cached import ENTITY_TTL, SEARCH_TTL, read_through
from echo.core.paging import Slice
from echo.features.genres.repository import GenreRepository
from echo.features.genres.schemas import GenreSort, GenreView, Order

_ONE = TypeAdapter(GenreView | None)
_SLICE = TypeAdapter(Slice[GenreView])
_COVERS = TypeAdapter(dict[uuid.UUID, str])


class CachedGenreRepository:
    def __init__(self, source: GenreRepository, cache: Cache) -> None:
        self.source = source
        self.cache = cache

    async def get(self, session: AsyncSession, genre_id: uuid.UUID) -> GenreView | None:
        return await read_through(
            self.cache,
            f"genre:{genre_id}",
            ENTITY_TTL,
            _ONE,
            lambda: self.source.get(session, genre_id),
        )

    async def listing(
        self,
        session: AsyncSession,
        sort: GenreSort,
        order: Order,
        term: str | None,
        skip: int,
        take: int,
    ) -> Slice[GenreView]:
        if term:
            key, ttl = f"search:genres:{term}:{sort}:{order}:{skip}:{take}", SEARCH_TTL
        else:
            key, ttl = f"genres:list:{sort}:{order}:{skip}:{take}", ENTITY_TTL
        return await read_through(
            self.cache,
            key,
            ttl,
            _SLICE,
            lambda: self.source.listing(session, sort, order, term, skip, take),
        )

    async def covers(self, session: AsyncSession) -> dict[uuid.UUID, str]:
        return await read_through(
            self.cache, "genres:covers", ENTITY_TTL, _COVERS, lambda: self.source.covers(session)
        )
