"""Search across the library: artists, albums and tracks at once (each ranked like its own
search endpoint: prefix matches first)."""

from __future__ import annotations

from echo.bootstrap import Services
from echo.core.search import search_term
from echo.features.search.schemas import AlbumMatches, ArtistMatches, SearchResults, TrackMatches


async def search_library(services: Services, query: str, limit: int) -> SearchResults:
    term = search_term(query)
    library = services.library
    async with services.sessions() as session:
        artists = await library.artists.search(session, term, 0, limit)
        albums = await library.albums.search(session, term, 0, limit)
        tracks = await library.tracks.search(session, term, 0, limit)
    return SearchResults(
        query=query,
        artists=ArtistMatches(data=artists.items, total=artists.total),
        albums=AlbumMatches(data=albums.items, total=albums.total),
        tracks=TrackMatches(data=tracks.items, total=tracks.total),
    )
