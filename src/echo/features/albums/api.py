"""/api/albums routes (spec §2.5). Library browsing needs a login (docs/decisions/0003)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from echo.core.http import LimitParam, PageParam, ShortTakeParam, SkipParam, TakeParam
from echo.core.paging import NumberedPage, SkipPage, clamp
from echo.features.albums import service
from echo.features.albums.schemas import AlbumList, AlbumView
from echo.features.auth.dependencies import CurrentUser, ServicesDep, current_user
from echo.features.tracks.schemas import TrackView

router = APIRouter(prefix="/albums", tags=["albums"], dependencies=[Depends(current_user)])

SearchQuery = Annotated[str, Path(min_length=1, max_length=200)]


def _browser_cache(response: Response, seconds: int) -> None:
    # Private: the answers need a login, so shared caches must not keep them.
    response.headers["Cache-Control"] = f"private, max-age={seconds}"


@router.get("")
async def list_albums(
    services: ServicesDep, response: Response, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[AlbumView]:
    _browser_cache(response, 60)
    return await service.list_albums(services, skip, clamp(take, 1, 100))


@router.get("/recent")
async def recent_albums(
    services: ServicesDep, response: Response, take: ShortTakeParam = 12
) -> list[AlbumView]:
    _browser_cache(response, 60)
    return await service.recent_albums(services, clamp(take, 1, 50))


@router.get("/top-played")
async def top_played_albums(
    services: ServicesDep, response: Response, take: ShortTakeParam = 10
) -> list[AlbumView]:
    _browser_cache(response, 300)
    return await service.top_played_albums(services, clamp(take, 1, 50))


@router.get("/top-played/me")
async def my_top_played_albums(
    user: CurrentUser, services: ServicesDep, take: ShortTakeParam = 10
) -> list[AlbumView]:
    return await service.my_top_played_albums(services, user.id, clamp(take, 1, 50))


@router.get("/alphabetical")
async def albums_alphabetically(
    services: ServicesDep, page: PageParam = 1, limit: LimitParam = 20
) -> NumberedPage[AlbumView]:
    """By name, ignoring accents, case and a leading article."""
    return await service.albums_alphabetically(services, page, limit)


@router.get("/by-artist")
async def albums_by_artist(
    services: ServicesDep, page: PageParam = 1, limit: LimitParam = 20
) -> NumberedPage[AlbumView]:
    """By album artist, then album name."""
    return await service.albums_by_artist(services, page, limit)


@router.get("/recently-played")
async def recently_played_albums(
    user: CurrentUser, services: ServicesDep, limit: LimitParam = 20
) -> AlbumList:
    return await service.recently_played_albums(services, user.id, limit)


@router.get("/favorites")
async def favorite_albums(
    user: CurrentUser, services: ServicesDep, page: PageParam = 1, limit: LimitParam = 20
) -> NumberedPage[AlbumView]:
    """The caller's starred albums, last starred first."""
    return await service.favorite_albums(services, user.id, page, limit)


@router.get("/featured", responses={404: {"description": "The library is empty"}})
async def featured_album(services: ServicesDep, response: Response) -> AlbumView:
    _browser_cache(response, 300)
    return await service.featured_album(services)


@router.get("/search/{query}", responses={400: {"description": "Query under 2 characters"}})
async def search_albums(
    query: SearchQuery, services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 10
) -> SkipPage[AlbumView]:
    """Accent- and case-insensitive; names starting with the query come first."""
    return await service.search_albums(services, query, skip, clamp(take, 1, 100))


@router.get("/{album_id}", response_model=AlbumView, responses={404: {}})
async def get_album(album_id: uuid.UUID, services: ServicesDep) -> Response:
    # The most read route: the cached JSON document goes out as it is (no model round trip).
    document = await service.get_album_json(services, album_id)
    return Response(document, media_type="application/json")


@router.get("/{album_id}/tracks", responses={404: {}})
async def album_tracks(
    album_id: uuid.UUID, services: ServicesDep, skip: SkipParam = 0, take: TakeParam = 20
) -> SkipPage[TrackView]:
    return await service.album_tracks(services, album_id, skip, clamp(take, 1, 100))
