"""Cache-aside for each user's play figures; every key of a user starts with one prefix, so a
new play drops them all at once after its commit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pydantic import TypeAdapter

from echo.core.cache import Cache

T = TypeVar("T")

# Seed: recent / top played 5 min; the spec keeps per-item stats and the summary 10 min.
RECENT_TTL = 300
TOP_TTL = 300
STATS_TTL = 600
SUMMARY_TTL = 600


def user_prefix(user_id: uuid.UUID) -> str:
    return f"play-tracking:{user_id}:"


def recent_key(user_id: uuid.UUID, limit: int) -> str:
    return f"{user_prefix(user_id)}recent:{limit}"


def top_key(user_id: uuid.UUID, limit: int, days: int | None) -> str:
    return f"{user_prefix(user_id)}top:{limit}:{days or 'all'}"


def summary_key(user_id: uuid.UUID, days: int) -> str:
    return f"{user_prefix(user_id)}summary:{days}"


def stats_key(user_id: uuid.UUID, item_type: str, item_id: uuid.UUID) -> str:
    return f"{user_prefix(user_id)}stats:{item_type}:{item_id}"


async def read_through(
    cache: Cache, key: str, ttl: int, shape: TypeAdapter[T], load: Callable[[], Awaitable[T]]
) -> T:
    cached = await cache.get(key)
    if cached is not None:
        return shape.validate_python(cached)
    value = await load()
    await cache.set(key, shape.dump_python(value, mode="json", by_alias=True), ttl)
    return value


async def forget_user(cache: Cache, user_id: uuid.UUID) -> None:
    await cache.delete_prefix(user_prefix(user_id))
