"""/api/tracks routes (spec §2.7). Library browsing needs a login (docs/decisions/0003)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from echo.core.http import SkipParam, TakeParam
from echo.core.paging import SkipPage, clamp
from echo.features.auth.dependencies import ServicesDep, current_user
from echo.features.tracks import service
from echo.features.tracks.schemas import ShufflePage, TrackView

router = APIRouter(prefix="/tracks", tags=["tracks"], dependencies=[Depends(current_user)])

SearchQuery = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("")
async def list_tracks(
    services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[TrackView]:
    """Tracks whose file is present, newest first."""
    return await service.list_tracks(services, skip, clamp(take, 1, 100))


@router.get("/search/{query}", responses={400: {"description": "Query under 2 characters"}})
async def search_tracks(
    query: SearchQuery, services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[TrackView]:
    """Accent- and case-insensitive; titles starting with the query come first."""
    return await service.search_tracks(services, query, skip, clamp(take, 1, 100))


@router.get("/shuffle")
async def shuffle_tracks(
    services: ServicesDep,
    seed: Annotated[float | None, Query(allow_inf_nan=False)] = None,
    skip: SkipParam = 0,
    take: TakeParam = 50,
) -> ShufflePage:
    """The library in a seeded random order; send the echoed `seed` back for the next pages."""
    return await service.shuffle_tracks(services, seed, skip, clamp(take, 1, 100))


@router.get("/{track_id}", responses={404: {}})
async def get_track(track_id: uuid.UUID, services: ServicesDep) -> TrackView:
    return await service.get_track(services, track_id)
