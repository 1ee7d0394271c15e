"""Counting work that runs for a while (transcodes) against a limit per key: in-process, or in
Redis so that every process shares the count. Each slot is a lease the holder renews; a holder
that dies without releasing frees its slot when the lease runs out."""

from __future__ import annotations

import time
import uuid
from typing import Protocol

from echo.core.redis import REDIS_ERRORS, RedisGate


class Slots(Protocol):
    async def acquire(self, key: str, limit: int, lease_seconds: float) -> str | None:
        """A lease id when fewer than `limit` unexpired leases hold `key`, else None."""

    async def renew(self, key: str, lease: str, lease_seconds: float) -> None: ...

    async def release(self, key: str, lease: str) -> None: ...


class MemorySlots:
    def __init__(self) -> None:
        self._leases: dict[str, dict[str, float]] = {}

    def _live(self, key: str) -> dict[str, float]:
        now = time.monotonic()
        leases = {lease: until for lease, until in self._leases.get(key, {}).items() if until > now}
        self._leases[key] = leases
        return leases

    async def acquire(self, key: str, limit: int, lease_seconds: float) -> str | None:
        leases = self._live(key)
        if len(leases) >= limit:
            return None
        lease = uuid.uuid4().hex
        leases[lease] = time.monotonic() + lease_seconds
        return lease

    async def renew(self, key: str, lease: str, lease_seconds: float) -> None:
        leases = self._live(key)
        if lease in leases:
            leases[lease] = time.monotonic() + lease_seconds

    async def release(self, key: str, lease: str) -> None:
        leases = self._live(key)
        leases.pop(lease, None)
        if not leases:
            del self._leases[key]


# A sorted set per key: members are leases, scores their expiry in Redis server time, so
# the clocks of the machines sharing the Redis do not matter.
_ACQUIRE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], now_ms + tonumber(ARGV[2]), ARGV[3])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""
_RENEW = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now_ms + tonumber(ARGV[1]), ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]))
end
return 1
"""
_LOCAL = "local:"


class RedisSlots:
    """While Redis is unreachable, slots are counted in this process (leases marked local), so
    limits still hold per process and a Redis outage never stops playback."""

    def __init__(self, gate: RedisGate) -> None:
        self._gate = gate
        self._fallback = MemorySlots()

    def _key(self, key: str) -> str:
        return f"{self._gate.prefix}slots:{key}"

    async def acquire(self, key: str, limit: int, lease_seconds: float) -> str | None:
        if self._gate.open:
            lease = uuid.uuid4().hex
            try:
                granted = await self._gate.client.eval(
                    _ACQUIRE, 1, self._key(key), limit, int(lease_seconds * 1000), lease
                )
            except REDIS_ERRORS as error:
                self._gate.failed(error)
            else:
                return lease if granted == 1 else None
        local = await self._fallback.acquire(key, limit, lease_seconds)
        return None if local is None else _LOCAL + local

    async def renew(self, key: str, lease: str, lease_seconds: float) -> None:
        if lease.startswith(_LOCAL):
            await self._fallback.renew(key, lease.removeprefix(_LOCAL), lease_seconds)
            return
        try:
            await self._gate.client.eval(
                _RENEW, 1, self._key(key), int(lease_seconds * 1000), lease
            )
        except REDIS_ERRORS as error:
            self._gate.failed(error)

    async def release(self, key: str, lease: str) -> None:
        if lease.startswith(_LOCAL):
            await self._fallback.release(key, lease.removeprefix(_LOCAL))
            return
        try:
            await self._gate.client.zrem(self._key(key), lease)
        except REDIS_ERRORS as error:
            self._gate.failed(error)
