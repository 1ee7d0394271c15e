"""The in-process and Redis adapters behave the same; Redis ones degrade instead of failing."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from echo.core.blacklist import (
    BlacklistUnavailable,
    MemoryTokenBlacklist,
    RedisTokenBlacklist,
    TokenBlacklist,
)
from echo.core.cache import Cache, MemoryCache, RedisCache
from echo.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from echo.core.redis import RedisGate, create_redis
from tests.conftest import REDIS_URL

KINDS = ("memory", "redis")


@pytest.fixture
async def gate() -> AsyncIterator[RedisGate]:
    client = create_redis(REDIS_URL)
    prefix = f"echo-test:{uuid.uuid4().hex[:10]}:"
    gate = RedisGate(client, prefix)
    if not await gate.ping():
        pytest.fail(f"Redis tier cannot run: {REDIS_URL} unreachable")
    yield gate
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
async def dead_gate() -> AsyncIterator[RedisGate]:
    """A Redis client pointing at a port where nothing listens."""
    client = create_redis("redis://127.0.0.1:1/0")
    yield RedisGate(client, "echo-test:dead:", pause_seconds=0.05)
    await client.aclose()


@pytest.fixture(params=KINDS)
def cache(request: pytest.FixtureRequest, gate: RedisGate) -> Cache:
    return MemoryCache() if request.param == "memory" else RedisCache(gate)


@pytest.fixture(params=KINDS)
def limiter(request: pytest.FixtureRequest, gate: RedisGate) -> RateLimiter:
    return MemoryRateLimiter() if request.param == "memory" else RedisRateLimiter(gate)


@pytest.fixture(params=KINDS)
def blacklist(request: pytest.FixtureRequest, gate: RedisGate) -> TokenBlacklist:
    return MemoryTokenBlacklist() if request.param == "memory" else RedisTokenBlacklist(gate)


async def test_cache_returns_what_was_stored_until_deleted(cache: Cache) -> None:
    await cache.set("album:1", {"title": "Blue", "tracks": [1, 2]}, 60)
    assert await cache.get("album:1") == {"title": "Blue", "tracks": [1, 2]}
    await cache.delete("album:1")
    assert await cache.get("album:1") is None


async def test_cache_raw_documents_are_kept_as_they_are_and_read_as_values(cache: Cache) -> None:
    await cache.set_raw("album:1", b'{"title":"Blue","tracks":[1]}', 60)
    assert await cache.get_raw("album:1") == b'{"title":"Blue","tracks":[1]}'
    assert await cache.get("album:1") == {"title": "Blue", "tracks": [1]}
    await cache.set("album:2", {"title": "Red"}, 60)
    document = await cache.get_raw("album:2")
    assert document is not None and json.loads(document) == {"title": "Red"}
    assert await cache.get_raw("album:3") is None


async def test_cache_hands_out_copies_not_shared_objects(cache: Cache) -> None:
    await cache.set("k", {"list": [1]}, 60)
    first = await cache.get("k")
    first["list"].append(2)
    assert await cache.get("k") == {"list": [1]}


async def test_cache_entries_expire_after_their_ttl(cache: Cache) -> None:
    await cache.set("short", 1, 1)
    await asyncio.sleep(1.2)
    assert await cache.get("short") is None


async def test_cache_delete_prefix_removes_only_matching_keys(cache: Cache) -> None:
    await cache.set("album:1", 1, 60)
    await cache.set("album:2", 2, 60)
    await cache.set("artist:1", 3, 60)
    await cache.delete_prefix("album:")
    assert await cache.get("album:1") is None
    assert await cache.get("album:2") is None
    assert await cache.get("artist:1") == 3


async def test_memory_cache_evicts_the_least_recently_used_entry() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set("a", 1, 60)
    await cache.set("b", 2, 60)
    await cache.get("a")
    await cache.set("c", 3, 60)
    assert await cache.get("b") is None
    assert await cache.get("a") == 1


async def test_memory_cache_evicts_the_least_recently_used_past_its_byte_budget() -> None:
    cache = MemoryCache(max_bytes=25)
    await cache.set_raw("a", b"[" + b"1," * 4 + b"1]", 60)  # 11 bytes
    await cache.set_raw("b", b"[" + b"2," * 4 + b"2]", 60)
    await cache.get_raw("a")
    await cache.set_raw("c", b"[3,3,3]", 60)  # 29 bytes in all: "b" goes
    assert await cache.get_raw("b") is None
    assert await cache.get("a") == [1] * 5
    assert await cache.get("c") == [3, 3, 3]
    await cache.set_raw("a", b"[4]", 60)  # replacing an entry frees its old bytes
    await cache.set_raw("d", b"[5,5,5,5,5]", 60)
    assert await cache.get("c") == [3, 3, 3]


async def test_rate_limiter_allows_the_limit_then_refuses_with_retry_after(
    limiter: RateLimiter,
) -> None:
    decisions = [await limiter.hit("login:10.0.0.1", 3) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert 1 <= decisions[-1].retry_after <= 60


async def test_rate_limiter_counts_each_client_separately(limiter: RateLimiter) -> None:
    assert (await limiter.hit("login:a", 1)).allowed
    assert (await limiter.hit("login:b", 1)).allowed
    assert not (await limiter.hit("login:a", 1)).allowed


async def test_two_redis_rate_limiters_share_one_budget(gate: RedisGate) -> None:
    other_client = Redis.from_url(REDIS_URL)
    try:
        first = RedisRateLimiter(gate)
        second = RedisRateLimiter(RedisGate(other_client, gate.prefix))
        assert (await first.hit("global:x", 2)).allowed
        assert (await second.hit("global:x", 2)).allowed
        assert not (await first.hit("global:x", 2)).allowed
    finally:
        await other_client.aclose()


async def test_blacklist_holds_a_token_until_it_expires(blacklist: TokenBlacklist) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    await blacklist.add("jti-1", soon)
    assert await blacklist.contains("jti-1")
    assert not await blacklist.contains("jti-2")
    await asyncio.sleep(2.1)
    assert not await blacklist.contains("jti-1")


async def test_two_redis_blacklists_see_each_others_revocations(gate: RedisGate) -> None:
    other_client = Redis.from_url(REDIS_URL)
    try:
        later = datetime.now(UTC) + timedelta(minutes=5)
        await RedisTokenBlacklist(gate).add("jti-shared", later)
        assert await RedisTokenBlacklist(RedisGate(other_client, gate.prefix)).contains(
            "jti-shared"
        )
    finally:
        await other_client.aclose()


async def test_redis_cache_without_redis_misses_instead_of_failing(dead_gate: RedisGate) -> None:
    cache = RedisCache(dead_gate)
    await cache.set("k", 1, 60)
    await cache.set_raw("r", b"1", 60)
    assert await cache.get("k") is None
    assert await cache.get_raw("r") is None
    await cache.delete("k")
    await cache.delete_prefix("k")
    assert await cache.healthy() is False


async def test_redis_rate_limiter_without_redis_still_limits_locally(dead_gate: RedisGate) -> None:
    limiter = RedisRateLimiter(dead_gate)
    decisions = [await limiter.hit("login:x", 2) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]


async def test_redis_blacklist_without_redis_says_it_cannot_answer(dead_gate: RedisGate) -> None:
    blacklist = RedisTokenBlacklist(dead_gate)
    with pytest.raises(BlacklistUnavailable):
        await blacklist.contains("jti")
    with pytest.raises(BlacklistUnavailable):
        await blacklist.add("jti", datetime.now(UTC) + timedelta(minutes=1))
