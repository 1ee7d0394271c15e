"""/api/play-tracking routes; reachable during a forced password change, like streaming."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from echo.features.auth.dependencies import CurrentUserDuringPasswordChange, ServicesDep
from echo.features.play_tracking import service
from echo.features.play_tracking.schemas import (
    ItemStats,
    PlaybackStateRequest,
    PlayEventView,
    PlayRequest,
    PlaySummary,
    SkipRequest,
    StatsItemType,
    TimeRange,
    TopTrack,
)

router = APIRouter(prefix="/play-tracking", tags=["play-tracking"])

TIME_RANGE_DAYS: dict[str, int | None] = {"week": 7, "month": 30, "all": None}
MAX_DAYS = 36_500


@router.post("/play", status_code=201, responses={404: {"description": "Unknown track"}})
async def record_play(
    body: PlayRequest,
    request: Request,
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
) -> PlayEventView:
    return await service.record_play(
        services,
        user.id,
        body.track_id,
        body.play_context,
        body.completion_rate,
        client=request.headers.get("user-agent"),
        source_id=body.source_id,
        source_type=body.source_type,
    )


@router.post("/skip", status_code=201, responses={404: {"description": "Unknown track"}})
async def record_skip(
    body: SkipRequest,
    request: Request,
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
) -> PlayEventView:
    return await service.record_skip(
        services,
        user.id,
        body.track_id,
        body.play_context,
        body.completion_rate,
        client=request.headers.get("user-agent"),
    )


@router.get("/history")
async def history(
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> list[PlayEventView]:
    return await service.list_history(services, user.id, limit, offset)


@router.get("/top-tracks")
async def top_tracks(
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    days: Annotated[int | None, Query(ge=1, le=MAX_DAYS)] = None,
    time_range: Annotated[TimeRange | None, Query(alias="timeRange")] = None,
) -> list[TopTrack]:
    """`days` wins over `timeRange`; neither means all time."""
    if days is None and time_range is not None:
        days = TIME_RANGE_DAYS[time_range]
    return await service.top_tracks(services, user.id, limit, days)


@router.get("/recently-played")
async def recently_played(
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[uuid.UUID]:
    return await service.recently_played(services, user.id, limit)


@router.get("/summary")
async def summary(
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=MAX_DAYS)] = 30,
) -> PlaySummary:
    return await service.summary(services, user.id, days)


@router.get("/stats/{item_type}/{item_id}", responses={404: {"description": "Unknown item"}})
async def item_stats(
    item_type: StatsItemType,
    item_id: uuid.UUID,
    user: CurrentUserDuringPasswordChange,
    services: ServicesDep,
) -> ItemStats:
    return await service.item_stats(services, user.id, item_type, item_id)


@router.put("/playback-state", status_code=204, responses={404: {"description": "Unknown track"}})
async def playback_state(
    body: PlaybackStateRequest, user: CurrentUserDuringPasswordChange, services: ServicesDep
) -> None:
    await service.set_playback_state(
        services, user.id, body.is_playing, body.current_track_id, body.federation_track
    )
