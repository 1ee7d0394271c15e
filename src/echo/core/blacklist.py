"""Revoked token ids (jti) until they expire: in-process, or in Redis so every process refuses them."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol

from echo.core.redis import REDIS_ERRORS, RedisGate


class BlacklistUnavailable(Exception):
    """The blacklist cannot answer; the caller asks the database instead."""


class TokenBlacklist(Protocol):
    async def add(self, jti: str, expires_at: datetime) -> None: ...

    async def contains(self, jti: str) -> bool:
        """Raises BlacklistUnavailable when the answer is unknown."""


class MemoryTokenBlacklist:
    def __init__(self) -> None:
        self._expiry: dict[str, float] = {}

    async def add(self, jti: str, expires_at: datetime) -> None:
        self._expiry[jti] = expires_at.timestamp()
        if len(self._expiry) > 10_000:
            now = time.time()
            self._expiry = {k: v for k, v in self._expiry.items() if v > now}

    async def contains(self, jti: str) -> bool:
        expiry = self._expiry.get(jti)
        return expiry is not None and expiry > time.time()


class RedisTokenBlacklist:
    def __init__(self, gate: RedisGate) -> None:
        self._gate = gate

    def _key(self, jti: str) -> str:
        return f"{self._gate.prefix}token:blacklist:{jti}"

    async def add(self, jti: str, expires_at: datetime) -> None:
        ttl = max(1, int(expires_at.timestamp() - time.time()) + 1)
        try:
            await self._gate.client.set(self._key(jti), b"1", ex=ttl)
        except REDIS_ERRORS as error:
            self._gate.failed(error)
            raise BlacklistUnavailable(str(error)) from error

    async def contains(self, jti: str) -> bool:
        if not self._gate.open:
            raise BlacklistUnavailable("Redis is paused after a failure")
        try:
            return bool(await self._gate.client.exists(self._key(jti)))
        except REDIS_ERRORS as error:
            self._gate.failed(error)
            raise BlacklistUnavailable(str(error)) from error
