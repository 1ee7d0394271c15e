"""Genre use cases (spec §2.8): reads through the cache-aside repositories."""

from __future__ import annotations

import uuid

from echo.bootstrap import Services
from echo.core.errors import NotFound
from echo.core.paging import SkipPage
from echo.core.text import fold
from echo.features.albums.schemas import AlbumView
from echo.features.artists.schemas import ArtistView
from echo.features.genres.schemas import (
    GenreAlbumSort,
    GenreArtistSort,
    GenreSort,
    GenreTrackSort,
    GenreView,
    Order,
)
from echo.features.tracks.schemas import TrackView

# Without an explicit order: names A→Z, figures and years highest first.
ASCENDING_SORTS = {GenreSort.NAME, GenreAlbumSort.TITLE, GenreTrackSort.TITLE, GenreArtistSort.NAME}


def natural_order(sort: object, order: Order | None) -> Order:
    if order is not None:
        return order
    return Order.ASC if sort in ASCENDING_SORTS else Order.DESC


async def list_genres(
    services: Services,
    sort: GenreSort,
    order: Order,
    search: str | None,
    skip: int,
    take: int,
) -> SkipPage[GenreView]:
    """Genres that have tracks; `search` matches the name anywhere, ignoring accents and case."""
    term = fold(search) if search else None
    genres = services.library.genres
    async with services.sessions() as session:
        found = await genres.listing(session, sort, order, term, skip, take)
        covers = await genres.covers(session) if found.items else {}
    items = [_with_cover(genre, covers) for genre in found.items]
    return SkipPage[GenreView].of(items, found.total, skip, take)


async def get_genre(services: Services, genre_id: uuid.UUID) -> GenreView:
    genres = services.library.genres
    async with services.sessions() as session:
        genre = await genres.get(session, genre_id)
        if genre is None:
            raise NotFound("Genre not found")
        return _with_cover(genre, await genres.covers(session))


def _with_cover(genre: GenreView, covers: dict[uuid.UUID, str]) -> GenreView:
    return genre.model_copy(update={"cover_image_url": covers.get(genre.id)})


async def genre_albums(
    services: Services,
    genre_id: uuid.UUID,
    sort: GenreAlbumSort,
    order: Order | None,
    skip: int,
    take: int,
) -> SkipPage[AlbumView]:
    await get_genre(services, genre_id)
    direction = natural_order(sort, order)
    async with services.sessions() as session:
        found = await services.library.albums.in_genre(
            session, genre_id, sort, direction, skip, take
        )
    return SkipPage[AlbumView].of(found.items, found.total, skip, take)


async def genre_tracks(
    services: Services,
    genre_id: uuid.UUID,
    sort: GenreTrackSort,
    order: Order | None,
    skip: int,
    take: int,
) -> SkipPage[TrackView]:
    await get_genre(services, genre_id)
    direction = natural_order(sort, order)
    async with services.sessions() as session:
        found = await services.library.tracks.in_genre(
            session, genre_id, sort, direction, skip, take
        )
    return SkipPage[TrackView].of(found.items, found.total, skip, take)


async def genre_artists(
    services: Services,
    genre_id: uuid.UUID,
    sort: GenreArtistSort,
    order: Order | None,
    skip: int,
    take: int,
) -> SkipPage[ArtistView]:
    await get_genre(services, genre_id)
    direction = natural_order(sort, order)
    async with services.sessions() as session:
        found = await services.library.artists.in_genre(
            session, genre_id, sort, direction, skip, take
        )
    return SkipPage[ArtistView].of(found.items, found.total, skip, take)
