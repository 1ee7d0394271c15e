"""Cache-aside reads with the seed's TTLs (architecture.md, "Caching Strategy")."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import TypeAdapter

from echo.core.cache import Cache

T = TypeVar("T")

ENTITY_TTL = 60 * 60  # a single album, artist, track or genre; rarely changes
SEARCH_TTL = 60  # search results must stay fresh
COUNT_TTL = 30 * 60  # approximate is fine
PLAYS_TTL = 5 * 60  # recent and top played: changes with user activity


async def read_through(
    cache: Cache,
    key: str,
    ttl: int,
    adapter: TypeAdapter[T],
    load: Callable[[], Awaitable[T]],
) -> T:
    """The cached value, else `load()` stored for `ttl` seconds. None is never cached (a 404
    stays a database read), and a cache that is down is a miss (the Cache never raises)."""
    hit = await cache.get_raw(key)
    if hit is not None:
        return adapter.validate_json(hit)
    value = await load()
    if value is not None:
        # pydantic's own JSON, a quarter of the cost of Python objects through json.dumps.
        await cache.set_raw(key, adapter.dump_json(value, by_alias=True), ttl)
    return value


async def read_through_raw(
    cache: Cache,
    key: str,
    ttl: int,
    adapter: TypeAdapter[T],
    load: Callable[[], Awaitable[T | None]],
) -> bytes | None:
    """`read_through` for answers sent as they are: the cached JSON document itself (a hit
    costs no decoding, validation or serialisation), else `load()` serialised once, stored and
    returned. The document is the one `read_through` reads under the same key."""
    hit = await cache.get_raw(key)
    if hit is not None:
        return hit
    value = await load()
    if value is None:
        return None
    document = adapter.dump_json(value, by_alias=True)
    await cache.set_raw(key, document, ttl)
    return document
