"""Fixed-window request counting per client: in-process, or in Redis so processes share a budget."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Protocol

from echo.core.redis import REDIS_ERRORS, RedisGate


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int


class RateLimiter(Protocol):
    async def hit(self, bucket: str, limit: int, window_seconds: int = 60) -> RateDecision:
        """Count one request in `bucket` and say whether it is within `limit` per window."""


def _window(window_seconds: int) -> tuple[int, int]:
    now = time.time()
    index = int(now // window_seconds)
    retry_after = max(1, math.ceil((index + 1) * window_seconds - now))
    return index, retry_after


def _decide(count: int, limit: int, retry_after: int) -> RateDecision:
    return RateDecision(count <= limit, limit, max(0, limit - count), retry_after)


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}

    async def hit(self, bucket: str, limit: int, window_seconds: int = 60) -> RateDecision:
        index, retry_after = _window(window_seconds)
        window, count = self._counts.get(bucket, (index, 0))
        count = count + 1 if window == index else 1
        self._counts[bucket] = (index, count)
        if len(self._counts) > 100_000:  # drop finished windows of clients gone quiet
            self._counts = {k: v for k, v in self._counts.items() if v[0] == index}
        return _decide(count, limit, retry_after)


class RedisRateLimiter:
    """While Redis is unreachable, counts locally so limits still hold per process."""

    def __init__(self, gate: RedisGate) -> None:
        self._gate = gate
        self._fallback = MemoryRateLimiter()

    async def hit(self, bucket: str, limit: int, window_seconds: int = 60) -> RateDecision:
        if not self._gate.open:
            return await self._fallback.hit(bucket, limit, window_seconds)
        index, retry_after = _window(window_seconds)
        key = f"{self._gate.prefix}ratelimit:{bucket}:{index}"
        try:
            async with self._gate.client.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, window_seconds + 1)
                count, _ = await pipe.execute()
        except REDIS_ERRORS as error:
            self._gate.failed(error)
            return await self._fallback.hit(bucket, limit, window_seconds)
        return _decide(int(count), limit, retry_after)
