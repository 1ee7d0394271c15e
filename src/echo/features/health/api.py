"""GET /api/health: public and never throttled; 503 only when the database is down."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from echo.features.auth.dependencies import ServicesDep
from echo.features.health import service
from echo.features.health.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", responses={503: {"model": Health}})
async def health(services: ServicesDep) -> JSONResponse:
    report = await service.check(services)
    status_code = 503 if report.services.database == "error" else 200
    return JSONResponse(report.model_dump(mode="json", by_alias=True), status_code=status_code)
