"""Socket.IO fan-out to browsers, from `serve` itself or from workers through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import socketio
from redis.asyncio import Redis
from socketio.exceptions import ConnectionRefusedError as Refused

from echo.core.errors import DomainError
from echo.core.redis import REDIS_ERRORS, create_redis

log = logging.getLogger(__name__)

P = TypeVar("P")
T = TypeVar("T")

# Socket.IO's Redis channel and the retained-event hashes, both under the installation prefix.
CHANNEL = "socketio"
RETAINED = "realtime:retained:"


def origin_check(allowed: list[str]) -> Callable[[str, dict[str, Any]], bool]:
    """The configured origins, plus this server's own host: a browser opening a websocket
    always sends Origin, even to the page's own server behind a proxy."""

    def check(origin: str, environ: dict[str, Any]) -> bool:
        if origin in allowed:
            return True
        hosts = {environ.get("HTTP_HOST", "")}
        hosts.update(host.strip() for host in environ.get("HTTP_X_FORWARDED_HOST", "").split(","))
        return urlsplit(origin).netloc in hosts - {""}

    return check


class Broadcaster:
    """Emits events to connected browsers.

    In `serve` it owns the Socket.IO server browsers connect to; with Redis, that server's
    manager relays every emit through Redis pub/sub to the other `serve` processes. In a worker
    or the CLI it holds only a write-only Redis manager: events reach browsers connected to any
    `serve`. Without Redis and without a server (CLI, embedded) emitting does nothing.
    """

    def __init__(
        self,
        *,
        server: socketio.AsyncServer | None,
        publisher: socketio.AsyncRedisManager | None,
        redis: Redis | None,
        prefix: str,
    ) -> None:
        self._server = server
        self._publisher = publisher
        self._redis = redis
        self._prefix = prefix
        self._retained: dict[str, dict[str, Any]] = {}

    @classmethod
    def serving(cls, *, redis_url: str, prefix: str, allowed_origins: list[str]) -> Broadcaster:
        manager = (
            socketio.AsyncRedisManager(redis_url, channel=prefix + CHANNEL) if redis_url else None
        )
        server = socketio.AsyncServer(
            async_mode="asgi",
            client_manager=manager,
            cors_allowed_origins=origin_check(allowed_origins),
            cors_credentials=True,
            logger=False,
            engineio_logger=False,
        )
        redis = create_redis(redis_url) if redis_url else None
        return cls(server=server, publisher=None, redis=redis, prefix=prefix)

    @classmethod
    def publishing(cls, *, redis_url: str, prefix: str) -> Broadcaster:
        if not redis_url:
            return cls(server=None, publisher=None, redis=None, prefix=prefix)
        publisher = socketio.AsyncRedisManager(redis_url, channel=prefix + CHANNEL, write_only=True)
        return cls(server=None, publisher=publisher, redis=create_redis(redis_url), prefix=prefix)

    @property
    def server(self) -> socketio.AsyncServer:
        if self._server is None:
            raise RuntimeError("This process does not serve Socket.IO clients")
        return self._server

    async def start(self) -> None:
        """Listen to Redis now rather than at the first connection (python-socketio's default),
        so no event published by a worker before then is missed."""
        server = self._server
        if server is not None and not server.manager_initialized:
            server.manager_initialized = True
            server.manager.initialize()

    async def emit(
        self,
        event: str,
        data: Any,
        *,
        namespace: str,
        room: str | None = None,
        retain: bool = False,
    ) -> None:
        """Send `event` to every client of `namespace`, or of `room` in it. `retain` keeps the
        value so `retained()` can replay it to clients that connect later. Never raises: a lost
        progress event must not fail the work that reports it."""
        if retain:
            if room is not None:
                raise ValueError("Only events for the whole namespace can be retained")
            await self._retain(namespace, event, data)
        try:
            if self._server is not None:
                await self._server.emit(event, data, namespace=namespace, room=room)
            elif self._publisher is not None:
                await self._publisher.emit(event, data, namespace=namespace, room=room)
        except Exception as error:
            log.warning("Could not emit %s on %s: %s", event, namespace, error)

    async def _retain(self, namespace: str, event: str, data: Any) -> None:
        self._retained.setdefault(namespace, {})[event] = data
        if self._redis is None:
            return
        try:
            await self._redis.hset(self._prefix + RETAINED + namespace, event, json.dumps(data))
        except REDIS_ERRORS as error:
            log.warning("Could not keep %s in Redis: %s", event, error)

    async def retained(self, namespace: str) -> dict[str, Any]:
        """The last retained value of each event of `namespace`, from whichever process sent it."""
        if self._redis is not None:
            try:
                stored = await self._redis.hgetall(self._prefix + RETAINED + namespace)
                return {_text(key): json.loads(value) for key, value in stored.items()}
            except REDIS_ERRORS as error:
                log.warning("Could not read retained events from Redis: %s", error)
        return dict(self._retained.get(namespace, {}))

    async def close(self) -> None:
        if self._server is not None:
            await self._server.shutdown()
            listener = getattr(self._server.manager, "thread", None)
            if isinstance(listener, asyncio.Task):
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            await _close_manager_redis(self._server.manager)
        if self._publisher is not None:
            await _close_manager_redis(self._publisher)
        if self._redis is not None:
            await self._redis.aclose()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def _close_manager_redis(manager: object) -> None:
    client = getattr(manager, "redis", None)
    if isinstance(client, Redis):
        await client.aclose()


def handshake_token(environ: dict[str, Any], auth: object) -> str | None:
    """The access token from `auth.token`, `?token=` or `Authorization: Bearer`, in that order."""
    candidates: list[object] = []
    if isinstance(auth, dict):
        candidates.append(auth.get("token"))
    candidates.extend(parse_qs(environ.get("QUERY_STRING", "")).get("token", []))
    candidates.append(environ.get("HTTP_AUTHORIZATION"))
    for candidate in candidates:
        if isinstance(candidate, str):
            scheme, _, rest = candidate.strip().partition(" ")
            token = rest.strip() if scheme.lower() == "bearer" and rest else candidate.strip()
            if token:
                return token
    return None


class EventBudget:
    """Token bucket: `per_second` events a second, in bursts of at most `per_second`."""

    def __init__(self, per_second: float) -> None:
        self._rate = per_second
        self._tokens = per_second
        self._at = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self._rate, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


EventHandler = Callable[[str, P, Any], Awaitable[Any]]


class AuthenticatedNamespace(socketio.AsyncNamespace, Generic[P]):  # type: ignore[misc]
    """A namespace only authenticated clients may join, each limited to a number of events a
    second. `authenticate` turns a token into whoever it belongs to, or raises a DomainError
    that refuses the connection; features pass it in, since core knows no users."""

    def __init__(
        self,
        namespace: str,
        authenticate: Callable[[str], Awaitable[P]],
        *,
        events_per_second: float = 10.0,
    ) -> None:
        super().__init__(namespace)
        self._authenticate = authenticate
        self._events_per_second = events_per_second
        self._handlers: dict[str, EventHandler[P]] = {}
        self._clients: dict[str, tuple[P, EventBudget]] = {}

    def handle(self, event: str, handler: EventHandler[P]) -> None:
        """Route `event` to `handler(sid, principal, data)`; what it returns is the ack."""
        self._handlers[event] = handler

    async def welcome(self, sid: str, principal: P) -> None:
        """Called once a client is connected; override to greet it."""

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: object = None) -> None:
        token = handshake_token(environ, auth)
        if token is None:
            raise Refused("Authentication required", {"statusCode": 401})
        try:
            principal = await self._authenticate(token)
        except DomainError as error:
            raise Refused(error.message, {"statusCode": error.status}) from error
        except Exception as error:
            log.exception("Authenticating a Socket.IO client on %s failed", self.namespace)
            raise Refused("Authentication failed", {"statusCode": 500}) from error
        self._clients[sid] = (principal, EventBudget(self._events_per_second))
        await self.welcome(sid, principal)

    async def on_disconnect(self, sid: str, reason: object = None) -> None:
        self._clients.pop(sid, None)

    async def trigger_event(self, event: str, *args: Any) -> Any:
        if event in ("connect", "disconnect"):
            return await super().trigger_event(event, *args)
        sid, data = args[0], args[1] if len(args) > 1 else None
        client = self._clients.get(sid)
        handler = self._handlers.get(event)
        if client is None or handler is None:
            return None
        principal, budget = client
        if not budget.take():
            return await self._refuse(sid, event, 429, "Too many events, slow down")
        try:
            return await handler(sid, principal, data)
        except DomainError as error:
            return await self._refuse(sid, event, error.status, error.message)

    async def _refuse(self, sid: str, event: str, status: int, message: str) -> dict[str, Any]:
        """Tells the client through an `exception` event (what the original server's clients
        listen to) and through the ack, for clients that asked for one."""
        body = {"status": "error", "statusCode": status, "message": message, "event": event}
        await self.emit("exception", body, to=sid)
        return body


_UNSET: Any = object()


class ProgressThrottle(Generic[T]):
    """Passes progress on at most `per_second` times a second, repeats the latest value at
    least every `heartbeat_seconds` while the work goes on (so a slow file does not look like
    a stall), and always passes the last value on when the block ends.

        async with ProgressThrottle(send) as progress:
            for file in files:
                ...
                await progress.update(snapshot)
    """

    def __init__(
        self,
        send: Callable[[T], Awaitable[None]],
        *,
        per_second: float = 10.0,
        heartbeat_seconds: float = 0.5,
    ) -> None:
        self._send = send
        self._interval = 1.0 / per_second
        self._heartbeat = heartbeat_seconds
        self._latest: T = _UNSET
        self._latest_sent = True
        self._sent_at = float("-inf")
        self._lock = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None

    async def update(self, value: T) -> None:
        self._latest = value
        self._latest_sent = False
        if time.monotonic() - self._sent_at >= self._interval:
            await self._flush()

    async def _flush(self) -> None:
        async with self._lock:
            if self._latest is _UNSET:
                return
            value = self._latest
            self._latest_sent = True
            self._sent_at = time.monotonic()
            await self._send(value)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            since = time.monotonic() - self._sent_at
            # A throttled update goes out once the interval has passed, even if no other
            # update follows it; with nothing new, the latest value is repeated.
            if (not self._latest_sent and since >= self._interval) or since >= self._heartbeat:
                await self._flush()

    async def __aenter__(self) -> ProgressThrottle[T]:
        self._ticker = asyncio.create_task(self._tick())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        if not self._latest_sent:
            await self._flush()
