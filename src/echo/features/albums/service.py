"""Album use cases (spec §2.5): reads through the cache-aside album repository."""

from __future__ import annotations

import uuid

from echo.bootstrap import Services
from echo.core.errors import NotFound
from echo.core.paging import NumberedPage, SkipPage
from echo.core.search import search_term
from echo.features.albums.schemas import AlbumList, AlbumView
from echo.features.tracks.schemas import TrackView


async def list_albums(services: Services, skip: int, take: int) -> SkipPage[AlbumView]:
    """Newest first."""
    albums = services.library.albums
    async with services.sessions() as session:
        items = await albums.newest(session, skip, take)
        total = await albums.count(session)
    return SkipPage[AlbumView].of(items, total, skip, take)


async def recent_albums(services: Services, take: int) -> list[AlbumView]:
    async with services.sessions() as session:
        return await services.library.albums.newest(session, 0, take)


async def top_played_albums(services: Services, take: int) -> list[AlbumView]:
    """Every user's plays; the newest albums while nobody has played anything."""
    albums = services.library.albums
    async with services.sessions() as session:
        return await albums.top_played(session, take, None) or await albums.newest(session, 0, take)


async def my_top_played_albums(
    services: Services, user_id: uuid.UUID, take: int
) -> list[AlbumView]:
    async with services.sessions() as session:
        return await services.library.albums.top_played(session, take, user_id)


async def albums_alphabetically(
    services: Services, page: int, limit: int
) -> NumberedPage[AlbumView]:
    albums = services.library.albums
    async with services.sessions() as session:
        items = await albums.alphabetical(session, (page - 1) * limit, limit)
        total = await albums.count(session)
    return NumberedPage[AlbumView].of(items, total, page, limit)


async def albums_by_artist(services: Services, page: int, limit: int) -> NumberedPage[AlbumView]:
    albums = services.library.albums
    async with services.sessions() as session:
        items = await albums.by_artist(session, (page - 1) * limit, limit)
        total = await albums.count(session)
    return NumberedPage[AlbumView].of(items, total, page, limit)


async def recently_played_albums(services: Services, user_id: uuid.UUID, limit: int) -> AlbumList:
    async with services.sessions() as session:
        return AlbumList(
            data=await services.library.albums.recently_played(session, user_id, limit)
        )


async def favorite_albums(
    services: Services, user_id: uuid.UUID, page: int, limit: int
) -> NumberedPage[AlbumView]:
    async with services.sessions() as session:
        found = await services.library.albums.favorites(session, user_id, (page - 1) * limit, limit)
    return NumberedPage[AlbumView].of(found.items, found.total, page, limit)


async def featured_album(services: Services) -> AlbumView:
    """The most played album, else the newest."""
    albums = await top_played_albums(services, 1)
    if not albums:
        raise NotFound("The library has no albums yet")
    return albums[0]


async def get_album(services: Services, album_id: uuid.UUID) -> AlbumView:
    async with services.sessions() as session:
        album = await services.library.albums.get(session, album_id)
    if album is None:
        raise NotFound("Album not found")
    return album


async def get_album_json(services: Services, album_id: uuid.UUID) -> bytes:
    """`get_album` as the JSON document sent to clients: a cached album is sent as cached."""
    async with services.sessions() as session:
        document = await services.library.albums.get_json(session, album_id)
    if document is None:
        raise NotFound("Album not found")
    return document


async def album_tracks(
    services: Services, album_id: uuid.UUID, skip: int, take: int
) -> SkipPage[TrackView]:
    """By disc and track number, missing files included (flagged `isMissing`)."""
    await get_album(services, album_id)
    async with services.sessions() as session:
        found = await services.library.tracks.in_album(session, album_id, skip, take)
    return SkipPage[TrackView].of(found.items, found.total, skip, take)


async def search_albums(
    services: Services, query: str, skip: int, take: int
) -> SkipPage[AlbumView]:
    term = search_term(query)
    async with services.sessions() as session:
        found = await services.library.albums.search(session, term, skip, take)
    return SkipPage[AlbumView].of(found.items, found.total, skip, take)
