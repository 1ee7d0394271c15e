"""Concurrency slots (transcodes per user): the in-process and Redis adapters count the same,
Redis shares the count between processes, and leases of a dead holder run out."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from echo.core.redis import RedisGate, create_redis
from echo.core.slots import MemorySlots, RedisSlots, Slots
from tests.conftest import REDIS_URL


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


@pytest.fixture(params=("memory", "redis"))
def slots(request: pytest.FixtureRequest, gate: RedisGate) -> Slots:
    return MemorySlots() if request.param == "memory" else RedisSlots(gate)


async def test_slots_are_granted_up_to_the_limit_and_freed_by_release(slots: Slots) -> None:
    first = await slots.acquire("user:a", 2, 30)
    second = await slots.acquire("user:a", 2, 30)

    assert first is not None
    assert second is not None
    assert first != second
    assert await slots.acquire("user:a", 2, 30) is None
    assert await slots.acquire("user:b", 2, 30) is not None  # keys are counted apart

    await slots.release("user:a", first)

    assert await slots.acquire("user:a", 2, 30) is not None
    assert await slots.acquire("user:a", 2, 30) is None


async def test_a_lease_that_is_not_renewed_runs_out(slots: Slots) -> None:
    held = await slots.acquire("user:a", 1, 0.2)
    renewed = await slots.acquire("user:b", 1, 0.2)
    assert held is not None
    assert renewed is not None

    await asyncio.sleep(0.1)
    await slots.renew("user:b", renewed, 0.5)
    await asyncio.sleep(0.25)

    assert await slots.acquire("user:a", 1, 30) is not None  # the holder died: slot free
    assert await slots.acquire("user:b", 1, 30) is None  # renewed: still held


async def test_processes_sharing_a_redis_share_the_count(gate: RedisGate) -> None:
    one, other = RedisSlots(gate), RedisSlots(gate)

    lease = await one.acquire("user:a", 1, 30)

    assert lease is not None
    assert await other.acquire("user:a", 1, 30) is None
    await other.release("user:a", lease)  # any process may release a lease it was handed
    assert await other.acquire("user:a", 1, 30) is not None


async def test_without_redis_the_limit_still_holds_in_the_process() -> None:
    client = create_redis("redis://127.0.0.1:1/0")
    slots = RedisSlots(RedisGate(client, "echo-test:dead:", pause_seconds=0.05))
    try:
        lease = await slots.acquire("user:a", 1, 30)

        assert lease is not None
        assert await slots.acquire("user:a", 1, 30) is None
        await slots.renew("user:a", lease, 30)
        await slots.release("user:a", lease)
        assert await slots.acquire("user:a", 1, 30) is not None
    finally:
        await client.aclose()
