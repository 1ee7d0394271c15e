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

    async def get_raw(self, key: str) -> bytes | None:
        """The cached value as the JSON document it is stored as, undecoded: an answer that is
        sent as it is costs no parsing, validation or serialisation."""

    async def set_raw(self, key: str, document: bytes, ttl_seconds: int) -> None:
        """Stores a JSON document as it is; `get` decodes it like any other value."""

    async def delete(self, *keys: str) -> None: ...

    async def delete_prefix(self, prefix: str) -> None: ...

    async def healthy(self) -> bool: ...


class MemoryCache:
    """Values are stored JSON-encoded so callers never share mutable objects with the cache.
    Least recently used entries go past `max_entries` or past `max_bytes` of documents: a page
    of 100 tracks weighs ~150 KB, so a count alone would not bound the server's memory."""

    def __init__(self, max_entries: int = 10_000, max_bytes: int = 32 * 1024 * 1024) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0

    async def get(self, key: str) -> Any | None:
        encoded = await self.get_raw(key)
        return None if encoded is None else json.loads(encoded)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        await self.set_raw(key, json.dumps(value).encode(), ttl_seconds)

    async def get_raw(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, encoded = entry
        if expires_at < time.monotonic():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return encoded

    async def set_raw(self, key: str, document: bytes, ttl_seconds: int) -> None:
        self._drop(key)
        self._entries[key] = (time.monotonic() + ttl_seconds, document)
        self._bytes += len(document)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self._bytes -= len(evicted)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry[1])

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._drop(key)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            self._drop(key)

    async def healthy(self) -> bool:
        return True


class RedisCache:
    """Redis errors are swallowed (logged once by the gate): a miss, and the caller reads the DB."""

    def __init__(self, gate: RedisGate) -> None:
        self._gate = gate

    def _key(self, key: str) -> str:
        return f"{self._gate.prefix}cache:{key}"

    async def get(self, key: str) -> Any | None:
        encoded = await self.get_raw(key)
        return None if encoded is None else json.loads(encoded)

    async def set(self, key: str, value: Any, ttl_seconds: int) -> None:
        await self.set_raw(key, json.dumps(value).encode(), ttl_seconds)

    async def get_raw(self, key: str) -> bytes | None:
        if not self._gate.open:
            return None
        try:
            encoded = await self._gate.client.get(self._key(key))
        except REDIS_ERRORS as error:
            self._gate.failed(error)
            return None
        return encoded.encode() if isinstance(encoded, str) else encoded

    async def set_raw(self, key: str, document: bytes, ttl_seconds: int) -> None:
        if not self._gate.open:
            return
        try:
            await self._gate.client.set(self._key(key), document, ex=ttl_seconds)
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
