"""Cache-aside storage for JSON values: in-process (TTL + LRU) or Redis. Never a point of failure."""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from typing import Any, Protocol

from echo.core.redis import REDIS_ERRORS, RedisGate


class Cache(Protocol):
    async def get(self, key: str) -> Any | None:
        """The cached value, or None on a miss or when the cache is unreachable."""

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None: ...

    async def delete(self, *keys: str) -> None: ...

    async def delete_prefix(self, prefix: str) -> None: ...

    async def healthy(self) -> bool: ...


class MemoryCache:
    """Values are stored JSON-encoded so callers never share mutable objects with the cache."""

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._max_entries = max_entries

    async def get(self, key: str) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, encoded = entry
        if expires_at < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return json.loads(encoded)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        self._entries[key] = (time.monotonic() + ttl_seconds, json.dumps(value))
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._entries.pop(key, None)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]

    async def healthy(self) -> bool:
        return True


class RedisCache:
    """Redis errors are swallowed (logged once by the gate): a miss, and the caller reads the DB."""

    def __init__(self, gate: RedisGate) -> None:
        self._gate = gate

    def _key(self, key: str) -> str:
        return f"{self._gate.prefix}cache:{key}"

    async def get(self, key: str) -> Any | None:
        if not self._gate.open:
            return None
        try:
            encoded = await self._gate.client.get(self._key(key))
        except REDIS_ERRORS as error:
            self._gate.failed(error)
            return None
        return None if encoded is None else json.loads(encoded)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        if not self._gate.open:
            return
        try:
            await self._gate.client.set(self._key(key), json.dumps(value), ex=ttl_seconds)
        except REDIS_ERRORS as error:
            self._gate.failed(error)

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        # Deletes are attempted even while the gate is closed: a stale entry is worse than a wait.
        try:
            await self._gate.client.delete(*(self._key(key) for key in keys))
        except REDIS_ERRORS as error:
            self._gate.failed(error)

    async def delete_prefix(self, prefix: str) -> None:
        try:
            batch: list[bytes] = []
            async for key in self._gate.client.scan_iter(match=self._key(prefix) + "*", count=500):
                batch.append(key)
                if len(batch) >= 500:
                    await self._gate.client.delete(*batch)
                    batch.clear()
            if batch:
                await self._gate.client.delete(*batch)
        except REDIS_ERRORS as error:
            self._gate.failed(error)

    async def healthy(self) -> bool:
        return await self._gate.ping()
