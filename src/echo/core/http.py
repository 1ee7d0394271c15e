"""HTTP plumbing shared by all routers: error envelope, security headers, CORS, rate limits."""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from echo.core.errors import DomainError, TooManyRequests
from echo.core.ratelimit import RateLimiter

log = logging.getLogger(__name__)

UNTHROTTLED_PREFIXES = ("/api/health", "/api/images/")

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data: https://fonts.gstatic.com",
        "connect-src 'self' ws: wss:",
        "media-src 'self' blob: https:",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)
# Swagger UI is an inline script plus assets from a CDN; only /api/docs gets this policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: https:; "
    "object-src 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (b"x-permitted-cross-domain-policies", b"none"),
]


def error_body(status: int, error: str, message: Any, path: str, **extra: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "error": error,
        "message": message,
        "timestamp": datetime.now(UTC).isoformat(),
        "path": path,
        **extra,
    }


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    body = error_body(exc.status, exc.code, exc.message, request.url.path, **exc.extra)
    return JSONResponse(body, status_code=exc.status, headers=headers)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "field": ".".join(str(part) for part in err["loc"] if part != "body"),
            "message": err["msg"],
        }
        for err in exc.errors()
    ]
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "Invalid request"
    body = error_body(400, "Bad Request", message, request.url.path, errors=fields)
    return JSONResponse(body, status_code=400)


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = error_body(exc.status_code, _reason(exc.status_code), exc.detail, request.url.path)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = error_body(500, "Internal Server Error", "Internal server error", request.url.path)
    return JSONResponse(body, status_code=500)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] == "/api/docs" else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                headers.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def client_key(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _json_error(status: int, error: str, message: str, path: str) -> bytes:
    return json.dumps(error_body(status, error, message, path)).encode()


class RateLimitMiddleware:
    """The global per-client budget for /api; health and image serving are never throttled."""

    def __init__(
        self, app: ASGIApp, limiter: Callable[[], RateLimiter], per_minute: Callable[[], int]
    ) -> None:
        self.app = app
        self._limiter = limiter
        self._per_minute = per_minute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or not path.startswith("/api/")
            or path.startswith(UNTHROTTLED_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        limit = self._per_minute()
        decision = await self._limiter().hit(f"global:{client_key(scope)}", limit)
        if not decision.allowed:
            await _send_429(send, path, decision.retry_after, limit)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-ratelimit-limit", str(limit).encode()))
                headers.append((b"x-ratelimit-remaining", str(decision.remaining).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _send_429(send: Send, path: str, retry_after: int, limit: int) -> None:
    body = _json_error(429, "Too Many Requests", "Too many requests, slow down", path)
    await send(
        {
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
                (b"x-ratelimit-limit", str(limit).encode()),
                (b"x-ratelimit-remaining", b"0"),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimitMiddleware:
    """Refuses request bodies above the upload limit before they are read into memory or disk."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise TooManyBytes
            return message

        try:
            await self.app(scope, counting_receive, send)
        except TooManyBytes:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        body = _json_error(413, "Payload Too Large", "Request body is too large", scope["path"])
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), *SECURITY_HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": body})


class TooManyBytes(Exception):
    pass


def lan_origins(port: int) -> list[str]:
    """The origins a browser uses to reach this server on localhost or the LAN."""
    hosts = {"localhost", "127.0.0.1"}
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            hosts.add(str(info[4][0]))
    except OSError:
        pass
    try:  # the address of the default route; connecting a UDP socket sends nothing
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            hosts.add(probe.getsockname()[0])
    except OSError:
        pass
    origins = set()
    for host in hosts:
        if host == "localhost" or ipaddress.ip_address(host).version == 4:
            origins.add(f"http://{host}:{port}")
    return sorted(origins)


def install_cors(app: FastAPI, origins: list[str], port: int) -> None:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=origins or lan_origins(port),
        allow_credentials=True,
        allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allow_headers=["Authorization", "Content-Type", "X-Stream-Token", "Range"],
        expose_headers=[
            "Content-Range",
            "Content-Length",
            "Accept-Ranges",
            "Retry-After",
            "Content-Disposition",
            "X-Content-Duration",
            "X-Estimated-Size",
        ],
        max_age=600,
    )


RouteLimit = Callable[[Request], Awaitable[None]]


def route_rate_limit(scope_name: str, per_minute: Callable[[Request], int]) -> RouteLimit:
    """A dependency adding a stricter per-client budget to one route or router."""

    async def check(request: Request) -> None:
        limiter: RateLimiter = request.app.state.services.rate_limiter
        decision = await limiter.hit(
            f"{scope_name}:{client_key(request.scope)}", per_minute(request)
        )
        if not decision.allowed:
            raise TooManyRequests("Too many requests, slow down", decision.retry_after)

    return check


# Paging query parameters. Out-of-range `take` values are clamped, as the original did, not
# refused; `page`/`limit` are validated (the original's DTOs refused them).
SkipParam = Annotated[int, Query(ge=0, le=10**9)]
TakeParam = Annotated[int, Query(ge=-(10**9), le=10**9, description="Clamped to 1..100")]
ShortTakeParam = Annotated[int, Query(ge=-(10**9), le=10**9, description="Clamped to 1..50")]
PageParam = Annotated[int, Query(ge=1, le=10**7)]
LimitParam = Annotated[int, Query(ge=1, le=100)]
