"""Album queries. `AlbumRepository` has two implementations: this SQL one and the cache-aside
one in cache.py, picked in bootstrap.py. Every order ends on the id, so pages never overlap.
Repositories never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.paging import Slice
from echo.core.search import on_index, ranked_matches
from echo.features.albums.models import Album
from echo.features.albums.schemas import AlbumView, cover_url
from echo.features.artists.models import Artist
from echo.features.artists.schemas import ArtistRef
from echo.features.genres.models import Genre, album_genres, track_genres
from echo.features.genres.schemas import GenreAlbumSort, GenreRef, Order
from echo.features.interactions.models import Favorite
from echo.features.play_tracking.models import PlayEvent, UserPlayStats
from echo.features.tracks.models import Track, TrackArtist


def listed() -> ColumnElement[bool]:
    """Albums with at least one track present; albums whose files all vanished are hidden.
    Written as a literal (not a bound 0) so that the databases see it implies the condition of
    the partial indexes on listed albums."""
    return Album.song_count > literal_column("0")


class AlbumRepository(Protocol):
    async def get(self, session: AsyncSession, album_id: uuid.UUID) -> AlbumView | None: ...

    async def get_json(self, session: AsyncSession, album_id: uuid.UUID) -> bytes | None:
        """`get` as the JSON document the API sends (camelCase field names)."""

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]: ...

    async def count(self, session: AsyncSession) -> int: ...

    async def alphabetical(
        self, session: AsyncSession, skip: int, take: int
    ) -> list[AlbumView]: ...

    async def by_artist(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]: ...

    async def top_played(
        self, session: AsyncSession, take: int, user_id: uuid.UUID | None
    ) -> list[AlbumView]: ...

    async def recently_played(
        self, session: AsyncSession, user_id: uuid.UUID, limit: int
    ) -> list[AlbumView]: ...

    async def favorites(
        self, session: AsyncSession, user_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]: ...

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[AlbumView]: ...

    async def of_artist(
        self, session: AsyncSession, artist_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]: ...

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreAlbumSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[AlbumView]: ...


class SqlAlbumRepository:
    async def get(self, session: AsyncSession, album_id: uuid.UUID) -> AlbumView | None:
        views = await album_views(session, [album_id])
        return views[0] if views else None

    async def get_json(self, session: AsyncSession, album_id: uuid.UUID) -> bytes | None:
        album = await self.get(session, album_id)
        return None if album is None else album.model_dump_json(by_alias=True).encode()

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        query = select(Album.id).where(listed()).order_by(Album.created_at.desc(), Album.id.desc())
        return await _page(session, query, skip, take)

    async def count(self, session: AsyncSession) -> int:
        return await session.scalar(select(func.count()).select_from(Album).where(listed())) or 0

    async def alphabetical(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        query = select(Album.id).where(listed()).order_by(Album.order_album_name, Album.id)
        return await _page(session, query, skip, take)

    async def by_artist(self, session: AsyncSession, skip: int, take: int) -> list[AlbumView]:
        query = (
            select(Album.id)
            .join(Artist, Artist.id == Album.album_artist_id)
            .where(listed())
            .order_by(Artist.order_artist_name, Artist.id, Album.order_album_name, Album.id)
        )
        return await _page(session, query, skip, take)

    async def top_played(
        self, session: AsyncSession, take: int, user_id: uuid.UUID | None
    ) -> list[AlbumView]:
        """By the sum of play counts (all users', or one user's)."""
        plays = func.sum(UserPlayStats.play_count)
        query = (
            select(Album.id)
            .join(UserPlayStats, UserPlayStats.item_id == Album.id)
            .where(UserPlayStats.item_type == "album", listed())
            .group_by(Album.id)
            .having(plays > 0)
            .order_by(plays.desc(), Album.id)
        )
        if user_id is not None:
            query = query.where(UserPlayStats.user_id == user_id)
        return await _page(session, query, 0, take)

    async def recently_played(
        self, session: AsyncSession, user_id: uuid.UUID, limit: int
    ) -> list[AlbumView]:
        """Distinct albums by the user's latest play of any of their tracks."""
        last_played = func.max(PlayEvent.played_at)
        query = (
            select(Track.album_id)
            .join(PlayEvent, PlayEvent.track_id == Track.id)
            .where(PlayEvent.user_id == user_id)
            .group_by(Track.album_id)
            .order_by(last_played.desc(), Track.album_id)
        )
        return await _page(session, query, 0, limit)

    async def favorites(
        self, session: AsyncSession, user_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]:
        query = (
            select(Album.id)
            .join(Favorite, Favorite.item_id == Album.id)
            .where(Favorite.user_id == user_id, Favorite.item_type == "album")
            .order_by(Favorite.created_at.desc(), Album.id)
        )
        return await _slice(session, query, skip, take)

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[AlbumView]:
        query = on_index(select(Album.id), Album, "ix_albums_search").where(listed())
        ids, total = await ranked_matches(
            session, query, Album.search_key, Album.id, term, skip, take
        )
        return Slice(items=await album_views(session, ids), total=total)

    async def of_artist(
        self, session: AsyncSession, artist_id: uuid.UUID, skip: int, take: int
    ) -> Slice[AlbumView]:
        """Albums of the artist, and albums with tracks crediting the artist; newest first."""
        credited = (
            select(Track.album_id)
            .join(TrackArtist, TrackArtist.track_id == Track.id)
            .where(TrackArtist.artist_id == artist_id, Track.missing_at.is_(None))
        )
        query = (
            select(Album.id)
            .where(listed(), or_(Album.album_artist_id == artist_id, Album.id.in_(credited)))
            .order_by(Album.year.is_(None), Album.year.desc(), Album.order_album_name, Album.id)
        )
        return await _slice(session, query, skip, take)

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreAlbumSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[AlbumView]:
        """Albums with at least one present track of the genre."""
        tagged = (
            select(Track.album_id)
            .join(track_genres, track_genres.c.track_id == Track.id)
            .where(track_genres.c.genre_id == genre_id, Track.missing_at.is_(None))
        )
        query = select(Album.id).where(listed(), Album.id.in_(tagged))
        keys: list[Any]
        if sort is GenreAlbumSort.PLAY_COUNT:
            plays = total_plays("album")
            query = query.outerjoin(plays, plays.c.item_id == Album.id)
            keys = [ordered(func.coalesce(plays.c.plays, 0), order)]
        elif sort is GenreAlbumSort.TITLE:
            keys = [ordered(Album.order_album_name, order)]
        else:
            keys = [Album.year.is_(None), ordered(Album.year, order)]
        return await _slice(session, query.order_by(*keys, Album.id), skip, take)


def total_plays(item_type: str) -> Any:
    """Subquery (item_id, plays): every user's plays of each item of `item_type`."""
    return (
        select(UserPlayStats.item_id, func.sum(UserPlayStats.play_count).label("plays"))
        .where(UserPlayStats.item_type == item_type)
        .group_by(UserPlayStats.item_id)
        .subquery()
    )


def ordered(column: Any, order: Order) -> Any:
    return column.asc() if order is Order.ASC else column.desc()


async def _page(
    session: AsyncSession, query: Select[uuid.UUID], skip: int, take: int
) -> list[AlbumView]:
    ids = list(await session.scalars(query.offset(skip).limit(take)))
    return await album_views(session, ids)


async def _slice(
    session: AsyncSession, query: Select[uuid.UUID], skip: int, take: int
) -> Slice[AlbumView]:
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = await _page(session, query, skip, take) if total > skip else []
    return Slice(items=items, total=total)


async def album_views(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[AlbumView]:
    """The payloads of `ids`, in that order, with their genres."""
    if not ids:
        return []
    albums = {
        album.id: album for album in await session.scalars(select(Album).where(Album.id.in_(ids)))
    }
    genres = await _genres(session, ids)
    return [_view(albums[i], genres.get(i, [])) for i in ids if i in albums]


async def _genres(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[GenreRef]]:
    """The genres of an album's tracks, and those enrichment gave the album itself."""
    from_tracks = (
        select(Track.album_id, Genre.id, Genre.name)
        .join(track_genres, track_genres.c.track_id == Track.id)
        .join(Genre, Genre.id == track_genres.c.genre_id)
        .where(Track.album_id.in_(ids))
        .distinct()
    )
    own = (
        select(album_genres.c.album_id, Genre.id, Genre.name)
        .join(Genre, Genre.id == album_genres.c.genre_id)
        .where(album_genres.c.album_id.in_(ids))
    )
    found: dict[uuid.UUID, dict[uuid.UUID, str]] = {}
    for query in (from_tracks, own):
        for album_id, genre_id, name in await session.execute(query):
            found.setdefault(album_id, {})[genre_id] = name
    return {
        album_id: [
            GenreRef(id=genre_id, name=name)
            for genre_id, name in sorted(genres.items(), key=lambda item: (item[1], item[0]))
        ]
        for album_id, genres in found.items()
    }


def _view(album: Album, genres: list[GenreRef]) -> AlbumView:
    return AlbumView(
        id=album.id,
        name=album.name,
        title=album.name,
        artist=album.artist_name,
        artist_id=album.artist_id,
        album_artist_id=album.album_artist_id,
        album_artist=ArtistRef(id=album.album_artist_id, name=album.artist_name),
        genres=genres,
        cover_image=cover_url(album.id, album.cover_hash),
        year=album.year,
        release_date=album.release_date,
        original_date=album.original_date,
        compilation=album.compilation,
        song_count=album.song_count,
        total_tracks=album.song_count,
        disc_count=album.disc_count,
        duration=album.duration,
        size=album.size,
        description=album.description,
        mbz_album_id=album.mbz_album_id,
        mbz_album_artist_id=album.mbz_album_artist_id,
        mbz_release_group_id=album.mbz_release_group_id,
        catalog_num=album.catalog_num,
        created_at=album.created_at,
        added_at=album.created_at,
        updated_at=album.updated_at,
    )
