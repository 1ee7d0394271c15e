"""/api/scanner analysis routes (admin), a track's gains and DJ features, the DJ shuffle."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from echo.core.http import SkipParam, TakeParam
from echo.core.paging import clamp
from echo.features.analysis import dj_service, service
from echo.features.analysis.schemas import (
    DjShufflePage,
    DjStatus,
    Gains,
    LufsStatus,
    RetryResult,
    StopResult,
    TrackDj,
)
from echo.features.auth.dependencies import ServicesDep, admin_user, current_user

router = APIRouter(prefix="/scanner", tags=["analysis"], dependencies=[Depends(admin_user)])
tracks_router = APIRouter(prefix="/tracks", tags=["analysis"], dependencies=[Depends(current_user)])


@router.get("/lufs-status")
async def lufs_status(services: ServicesDep) -> LufsStatus:
    return await service.lufs_status(services)


@router.post("/lufs-retry")
async def lufs_retry(services: ServicesDep) -> RetryResult:
    return await service.retry_failed(services)


@router.get("/dj-status")
async def dj_status(services: ServicesDep) -> DjStatus:
    """Also resets rows stuck `analyzing` and queues pending work again when the queue is idle
    (unless an admin stopped the analysis)."""
    return await dj_service.dj_status(services)


@router.post("/dj-retry")
async def dj_retry(services: ServicesDep) -> RetryResult:
    return await dj_service.retry_failed(services)


@router.post("/dj-stop")
async def dj_stop(services: ServicesDep) -> StopResult:
    """Drops the queued jobs and marks the pending tracks failed ("Stopped by user")."""
    return await dj_service.stop(services)


# Before /{track_id}/dj, which would take "shuffle" for a track id.
@tracks_router.get("/shuffle/dj")
async def dj_shuffle(
    services: ServicesDep,
    # Bounded: the interleaving step multiplies the seed (seeds echoed back are in [0, 1)).
    seed: Annotated[float | None, Query(allow_inf_nan=False, ge=-1e12, le=1e12)] = None,
    skip: SkipParam = 0,
    take: TakeParam = 50,
) -> DjShufflePage:
    """The first page chained by transition score (`djMode`) when at least half of its pool
    is analysed; send the echoed `seed` back for the next pages (the regular shuffle)."""
    return await dj_service.shuffle(services, seed, skip, clamp(take, 1, 100))


@tracks_router.get("/{track_id}/dj", responses={404: {}})
async def track_dj(track_id: uuid.UUID, services: ServicesDep) -> TrackDj | None:
    """`null` while the track has no analysis."""
    return await dj_service.track_dj(services, track_id)


@tracks_router.get("/{track_id}/loudness", responses={404: {}})
async def track_loudness(track_id: uuid.UUID, services: ServicesDep) -> Gains:
    return await service.track_gains(services, track_id)
