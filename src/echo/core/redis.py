"""Redis client construction and the short back-off that keeps a dead Redis from slowing requests."""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis

log = logging.getLogger(__name__)

# What redis-py raises when the server is unreachable or drops the connection.
REDIS_ERRORS: tuple[type[BaseException], ...]
try:
    from redis.exceptions import RedisError

    REDIS_ERRORS = (RedisError, OSError, TimeoutError)
except ImportError:  # pragma: no cover - redis is a hard dependency
    REDIS_ERRORS = (OSError,)


def create_redis(url: str) -> Redis:
    # Short timeouts: a cache that hangs is worse than no cache.
    return Redis.from_url(
        url,
        socket_connect_timeout=0.5,
        socket_timeout=1.0,
        health_check_interval=10,
        retry_on_timeout=False,
    )


class RedisGate:
    """Shared by the Redis adapters: after a failure, skip Redis for a moment, then try again.

    Redis coming back is noticed by the first call after the pause; no restart is needed.
    """

    def __init__(self, client: Redis, prefix: str, pause_seconds: float = 1.0) -> None:
        self.client = client
        self.prefix = prefix
        self._pause_seconds = pause_seconds
        self._closed_until = 0.0

    @property
    def open(self) -> bool:
        return time.monotonic() >= self._closed_until

    def failed(self, error: BaseException) -> None:
        if self.open:
            log.warning("Redis unavailable, using the fallback: %s", error)
        self._closed_until = time.monotonic() + self._pause_seconds

    async def ping(self) -> bool:
        try:
            await self.client.ping()
        except REDIS_ERRORS as error:
            self.failed(error)
            return False
        self._closed_until = 0.0
        return True
