"""Artist use cases (spec §2.6): reads through the cache-aside artist repository."""

from __future__ import annotations

import uuid

from echo.bootstrap import Services
from echo.core.errors import NotFound
from echo.core.paging import SkipPage
from echo.core.search import search_term
from echo.features.albums.schemas import AlbumView
from echo.features.artists.schemas import ArtistStats, ArtistView, RelatedArtists, TopTracks


async def list_artists(services: Services, skip: int, take: int) -> SkipPage[ArtistView]:
    """Artists with songs, newest first."""
    artists = services.library.artists
    async with services.sessions() as session:
        items = await artists.newest(session, skip, take)
        total = await artists.count(session)
    return SkipPage[ArtistView].of(items, total, skip, take)


async def get_artist(services: Services, artist_id: uuid.UUID) -> ArtistView:
    async with services.sessions() as session:
        artist = await services.library.artists.get(session, artist_id)
    if artist is None:
        raise NotFound("Artist not found")
    return artist


async def artist_albums(
    services: Services, artist_id: uuid.UUID, skip: int, take: int
) -> SkipPage[AlbumView]:
    """The artist's albums and the albums they appear on, newest year first."""
    await get_artist(services, artist_id)
    async with services.sessions() as session:
        found = await services.library.albums.of_artist(session, artist_id, skip, take)
    return SkipPage[AlbumView].of(found.items, found.total, skip, take)


async def artist_top_tracks(
    services: Services, artist_id: uuid.UUID, limit: int, days: int | None
) -> TopTracks:
    await get_artist(services, artist_id)
    async with services.sessions() as session:
        data = await services.library.artists.top_tracks(session, artist_id, limit, days)
    return TopTracks(artist_id=artist_id, limit=limit, days=days, data=data)


async def artist_stats(services: Services, artist_id: uuid.UUID) -> ArtistStats:
    await get_artist(services, artist_id)
    async with services.sessions() as session:
        return await services.library.artists.stats(session, artist_id)


async def related_artists(services: Services, artist_id: uuid.UUID, limit: int) -> RelatedArtists:
    await get_artist(services, artist_id)
    async with services.sessions() as session:
        return await services.library.artists.related(session, artist_id, limit)


async def search_artists(
    services: Services, query: str, skip: int, take: int
) -> SkipPage[ArtistView]:
    term = search_term(query)
    async with services.sessions() as session:
        found = await services.library.artists.search(session, term, skip, take)
    return SkipPage[ArtistView].of(found.items, found.total, skip, take)
