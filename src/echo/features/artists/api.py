"""/api/artists routes (spec §2.6). Library browsing needs a login (docs/decisions/0003)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from echo.core.http import SkipParam, TakeParam
from echo.core.paging import SkipPage, clamp
from echo.features.albums.schemas import AlbumView
from echo.features.artists import service
from echo.features.artists.schemas import ArtistStats, ArtistView, RelatedArtists, TopTracks
from echo.features.auth.dependencies import ServicesDep, current_user

router = APIRouter(prefix="/artists", tags=["artists"], dependencies=[Depends(current_user)])

SearchQuery = Annotated[str, Path(min_length=1, max_length=200)]


@router.get("")
async def list_artists(
    services: ServicesDep, response: Response, skip: SkipParam = 0, take: TakeParam = 100
) -> SkipPage[ArtistView]:
    """Artists with songs, newest first."""
    response.headers["Cache-Control"] = "private, max-age=60"
    return await service.list_artists(services, skip, clamp(take, 1, 100))


@router.get("/search/{query}", responses={400: {"description": "Query under 2 characters"}})
async def search_artists(
    query: SearchQuery, services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[ArtistView]:
    """Accent- and case-insensitive; names starting with the query come first."""
    return await service.search_artists(services, query, skip, clamp(take, 1, 100))


@router.get("/{artist_id}", responses={404: {}})
async def get_artist(artist_id: uuid.UUID, services: ServicesDep) -> ArtistView:
    return await service.get_artist(services, artist_id)


@router.get("/{artist_id}/albums", responses={404: {}})
async def artist_albums(
    artist_id: uuid.UUID, services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[AlbumView]:
    return await service.artist_albums(services, artist_id, skip, clamp(take, 1, 100))


@router.get("/{artist_id}/top-tracks", responses={404: {}})
async def artist_top_tracks(
    artist_id: uuid.UUID,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    days: Annotated[int | None, Query(ge=1, le=36_500)] = None,
) -> TopTracks:
    """Ranked by every user's plays, optionally only those of the last `days` days."""
    return await service.artist_top_tracks(services, artist_id, limit, days)


@router.get("/{artist_id}/stats", responses={404: {}})
async def artist_stats(artist_id: uuid.UUID, services: ServicesDep) -> ArtistStats:
    return await service.artist_stats(services, artist_id)


@router.get("/{artist_id}/related", responses={404: {}})
async def related_artists(
    artist_id: uuid.UUID,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> RelatedArtists:
    """Artists the same people listen to (`source: internal`), else `source: none`."""
    return await service.related_artists(services, artist_id, limit)
