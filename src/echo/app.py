"""create_app(): the ASGI application with its lifespan, middleware, routers and error mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, JSONResponse, Response

from echo import __version__
from echo.bootstrap import build_services, close_services
from echo.core.http import (
    BodySizeLimitMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
    error_body,
    install_cors,
    install_error_handlers,
)
from echo.features.admin.api import router as admin_router
from echo.features.auth.api import router as auth_router
from echo.features.auth.service import warm_blacklist
from echo.features.health.api import router as health_router
from echo.features.setup.api import router as setup_router
from echo.features.users.api import images_router
from echo.features.users.api import router as users_router
from echo.settings import Settings

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"

ROUTERS: list[APIRouter] = [
    health_router,
    setup_router,
    auth_router,
    users_router,
    images_router,
    admin_router,
]


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await build_services(settings)
        app.state.services = services
        await warm_blacklist(services)
        try:
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
