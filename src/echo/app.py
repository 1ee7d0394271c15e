"""create_app(): the ASGI application with its lifespan, middleware, routers and error mapping."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import socketio
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.types import ASGIApp

from echo import __version__
from echo.bootstrap import Services, build_services, build_serving_broadcaster, close_services
from echo.core.http import (
    BodySizeLimitMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
    error_body,
    install_cors,
    install_error_handlers,
)
from echo.features.admin.api import library_router as admin_library_router
from echo.features.admin.api import router as admin_router
from echo.features.admin.api import settings_router as admin_settings_router
from echo.features.albums.api import router as albums_router
from echo.features.analysis import jobs as analysis_jobs
from echo.features.analysis.api import router as analysis_router
from echo.features.analysis.api import tracks_router as analysis_tracks_router
from echo.features.artists.api import router as artists_router
from echo.features.auth.api import router as auth_router
from echo.features.auth.service import warm_blacklist
from echo.features.genres.api import router as genres_router
from echo.features.health.api import router as health_router
from echo.features.images.api import albums_router as album_cover_router
from echo.features.images.api import router as album_images_router
from echo.features.interactions.api import router as interactions_router
from echo.features.play_tracking.api import router as play_tracking_router
from echo.features.play_tracking.jobs import daily_retention
from echo.features.scanner import service as scanner_service
from echo.features.scanner.api import router as scanner_router
from echo.features.scanner.realtime import ScannerNamespace
from echo.features.scanner.watcher import run_watcher
from echo.features.search.api import router as search_router
from echo.features.setup.api import router as setup_router
from echo.features.streaming import zygote
from echo.features.streaming.api import router as streaming_router
from echo.features.tracks.api import router as tracks_router
from echo.features.users.api import images_router
from echo.features.users.api import router as users_router
from echo.settings import Settings
from echo.worker import register_jobs

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

ROUTERS: list[APIRouter] = [
    health_router,
    setup_router,
    auth_router,
    users_router,
    images_router,
    admin_router,
    admin_library_router,
    admin_settings_router,
    albums_router,
    artists_router,
    tracks_router,
    genres_router,
    search_router,
    # Before the scanner's: its /scanner/{scan_id} would take /scanner/lufs-status.
    analysis_router,
    analysis_tracks_router,
    scanner_router,
    streaming_router,
    album_images_router,
    album_cover_router,
    play_tracking_router,
    interactions_router,
]


def create_app(settings: Settings) -> FastAPI:
    """The HTTP app; `create_asgi_app` adds Socket.IO in front of it."""
    broadcaster = build_serving_broadcaster(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await build_services(settings, broadcaster=broadcaster)
        app.state.services = services
        try:
            register_jobs(services)
            broadcaster.server.register_namespace(_scanner_namespace(services))
            await broadcaster.start()
            await warm_blacklist(services)
            # The transcoder takes about a second to start: not on the first listener's time.
            zygote.warm_up_in_background()
            if services.redis is None:
                # Embedded mode: no worker process, serve runs the jobs and the watcher
                # (DESIGN §1), and no other process can be running a scan.
                await scanner_service.fail_orphaned_scans(services, everything=True)
                await services.jobs.start_consumers()
                await analysis_jobs.queue_at_start(services)
                async with run_watcher(services), daily_retention(services):
                    yield
            else:
                yield
        finally:
            await close_services(services)

    app = FastAPI(
        title="Echo",
        version=__version__,
        description="Self-hosted music server API.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.broadcaster = broadcaster
    install_error_handlers(app)
    api = APIRouter(prefix="/api")
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)
    _install_web_app(app)

    # Middleware runs outermost-last-added: headers on everything, then CORS, limits, body size.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_upload_bytes)
    app.add_middleware(
        RateLimitMiddleware,
        limiter=lambda: app.state.services.rate_limiter,
        per_minute=lambda: settings.rate_limit_global,
    )
    install_cors(app, settings.cors_origins, settings.port)
    app.add_middleware(SecurityHeadersMiddleware)
    return app


def create_asgi_app(settings: Settings) -> ASGIApp:
    """What `serve` runs: Socket.IO at /socket.io, everything else to the FastAPI app."""
    app = create_app(settings)
    asgi: ASGIApp = socketio.ASGIApp(
        app.state.broadcaster.server, other_asgi_app=app, socketio_path="socket.io"
    )
    return asgi


def _scanner_namespace(services: Services) -> ScannerNamespace:
    async def pause(scan_id: uuid.UUID) -> None:
        await scanner_service.request_action(services, scan_id, "pause")

    async def resume(scan_id: uuid.UUID) -> None:
        await scanner_service.request_action(services, scan_id, "resume")

    async def cancel(scan_id: uuid.UUID, _reason: str | None) -> None:
        await scanner_service.request_action(services, scan_id, "cancel")

    return ScannerNamespace(services, pause=pause, resume=resume, cancel=cancel)


def _install_web_app(app: FastAPI) -> None:
    """The built web client, with index.html for every non-API path (client-side routing)."""

    @app.get("/{path:path}", include_in_schema=False)
    async def web_app(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            body = error_body(404, "Not Found", f"Cannot GET /{path}", f"/{path}")
            return JSONResponse(body, status_code=404)
        root = STATIC_DIR.resolve()
        candidate = (root / path).resolve()
        if path and candidate.is_relative_to(root) and candidate.is_file():
            immutable = candidate.parent.name == "assets"
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(candidate, headers={"Cache-Control": cache})
        index = root / "index.html"
        if index.is_file():
            return FileResponse(index, headers={"Cache-Control": "no-cache"})
        body = error_body(404, "Not Found", "The web client is not built (run `make web`)", "/")
        return JSONResponse(body, status_code=404)
