"""/api/genres routes (spec §2.8)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from echo.core.http import SkipParam, TakeParam
from echo.core.paging import SkipPage, clamp
from echo.features.albums.schemas import AlbumView
from echo.features.artists.schemas import ArtistView
from echo.features.auth.dependencies import ServicesDep, current_user
from echo.features.genres import service
from echo.features.genres.schemas import (
    GenreAlbumSort,
    GenreArtistSort,
    GenreSort,
    GenreTrackSort,
    GenreView,
    Order,
)
from echo.features.tracks.schemas import TrackView

router = APIRouter(prefix="/genres", tags=["genres"], dependencies=[Depends(current_user)])


@router.get("")
async def list_genres(
    services: ServicesDep,
    skip: SkipParam = 0,
    take: TakeParam = 20,
    sort: GenreSort = GenreSort.TRACK_COUNT,
    order: Order = Order.DESC,
    search: Annotated[str | None, Query(max_length=200)] = None,
) -> SkipPage[GenreView]:
    """Genres that have tracks, with their figures, a cover and a colour."""
    return await service.list_genres(services, sort, order, search, skip, clamp(take, 1, 100))


@router.get("/{genre_id}", responses={404: {}})
async def get_genre(genre_id: uuid.UUID, services: ServicesDep) -> GenreView:
    return await service.get_genre(services, genre_id)


@router.get("/{genre_id}/albums", responses={404: {}})
async def genre_albums(
    genre_id: uuid.UUID,
    services: ServicesDep,
    skip: SkipParam = 0,
    take: TakeParam = 20,
    sort: GenreAlbumSort = GenreAlbumSort.RELEASE_YEAR,
    order: Order | None = None,
) -> SkipPage[AlbumView]:
    """Albums with a track in the genre. Without `order`: titles A→Z, years and plays
    highest first."""
    return await service.genre_albums(services, genre_id, sort, order, skip, clamp(take, 1, 100))


@router.get("/{genre_id}/tracks", responses={404: {}})
async def genre_tracks(
    genre_id: uuid.UUID,
    services: ServicesDep,
    skip: SkipParam = 0,
    take: TakeParam = 20,
    sort: GenreTrackSort = GenreTrackSort.PLAY_COUNT,
    order: Order | None = None,
) -> SkipPage[TrackView]:
    return await service.genre_tracks(services, genre_id, sort, order, skip, clamp(take, 1, 100))


@router.get("/{genre_id}/artists", responses={404: {}})
async def genre_artists(
    genre_id: uuid.UUID,
    services: ServicesDep,
    skip: SkipParam = 0,
    take: TakeParam = 20,
    sort: GenreArtistSort = GenreArtistSort.NAME,
    order: Order | None = None,
) -> SkipPage[ArtistView]:
    return await service.genre_artists(services, genre_id, sort, order, skip, clamp(take, 1, 100))
