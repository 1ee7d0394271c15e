"""/api/scanner loudness routes (admin) and the gains of a track."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends

from echo.features.analysis import service
from echo.features.analysis.schemas import Gains, LufsStatus, RetryResult
from echo.features.auth.dependencies import CurrentUser, ServicesDep, admin_user

router = APIRouter(prefix="/scanner", tags=["analysis"], dependencies=[Depends(admin_user)])
tracks_router = APIRouter(prefix="/tracks", tags=["analysis"])


@router.get("/lufs-status")
async def lufs_status(services: ServicesDep) -> LufsStatus:
    return await service.lufs_status(services)


@router.post("/lufs-retry")
async def lufs_retry(services: ServicesDep) -> RetryResult:
    return await service.retry_failed(services)


@tracks_router.get("/{track_id}/loudness")
async def track_loudness(track_id: uuid.UUID, _: CurrentUser, services: ServicesDep) -> Gains:
    return await service.track_gains(services, track_id)
