"""Artist queries. `ArtistRepository` has two implementations: this SQL one and the cache-aside
one in cache.py, picked in bootstrap.py. Every order ends on the id. Repositories never commit."""

from __future__ import annotations

import math
import uuid
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.db import utcnow
from echo.core.paging import Slice
from echo.core.search import on_index, ranked_matches
from echo.features.artists.models import Artist
from echo.features.artists.schemas import (
    ArtistStats,
    ArtistView,
    RelatedArtist,
    RelatedArtists,
    TopTrack,
)
from echo.features.genres.models import track_genres
from echo.features.genres.schemas import GenreArtistSort, Order
from echo.features.play_tracking.models import PlayEvent, UserPlayStats
from echo.features.tracks.models import Track, TrackArtist

# Co-listening candidates below this share of the best score are noise (spec §2.6, tier 3).
RELATED_CUTOFF = 0.1


def listed() -> ColumnElement[bool]:
    """Artists with at least one track. A literal (not a bound 0), so that the databases see it
    implies the condition of the partial search index."""
    return Artist.song_count > literal_column("0")


class ArtistRepository(Protocol):
    async def get(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistView | None: ...

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[ArtistView]: ...

    async def count(self, session: AsyncSession) -> int: ...

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[ArtistView]: ...

    async def top_tracks(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int, days: int | None
    ) -> list[TopTrack]: ...

    async def stats(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistStats: ...

    async def related(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int
    ) -> RelatedArtists: ...

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreArtistSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[ArtistView]: ...


class SqlArtistRepository:
    async def get(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistView | None:
        artist = await session.get(Artist, artist_id)
        return None if artist is None else artist_view(artist)

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[ArtistView]:
        query = select(Artist).where(listed()).order_by(Artist.created_at.desc(), Artist.id.desc())
        return [artist_view(a) for a in await session.scalars(query.offset(skip).limit(take))]

    async def count(self, session: AsyncSession) -> int:
        return await session.scalar(select(func.count()).select_from(Artist).where(listed())) or 0

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[ArtistView]:
        query = on_index(select(Artist.id), Artist, "ix_artists_search").where(listed())
        ids, total = await ranked_matches(
            session, query, Artist.search_key, Artist.id, term, skip, take
        )
        found = {a.id: a for a in await session.scalars(select(Artist).where(Artist.id.in_(ids)))}
        return Slice(items=[artist_view(found[i]) for i in ids if i in found], total=total)

    async def top_tracks(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int, days: int | None
    ) -> list[TopTrack]:
        """Every user's plays of the artist's tracks: all-time from the play statistics
        (kept when history is trimmed), or from the history of the last `days` days."""
        plays: ColumnElement[int]
        if days is None:
            plays = func.sum(UserPlayStats.play_count)
            listeners = func.count(func.distinct(UserPlayStats.user_id))
            query = (
                select(Track, plays, listeners)
                .join(UserPlayStats, UserPlayStats.item_id == Track.id)
                .where(UserPlayStats.item_type == "track", UserPlayStats.play_count > 0)
            )
        else:
            plays = func.count()
            listeners = func.count(func.distinct(PlayEvent.user_id))
            query = (
                select(Track, plays, listeners)
                .join(PlayEvent, PlayEvent.track_id == Track.id)
                .where(PlayEvent.played_at >= utcnow() - timedelta(days=days))
            )
        query = (
            query.where(Track.id.in_(_tracks_of(artist_id)), Track.missing_at.is_(None))
            .group_by(Track.id)
            .order_by(plays.desc(), Track.id)
            .limit(limit)
        )
        return [
            TopTrack(
                track_id=track.id,
                title=track.title,
                album_id=track.album_id,
                album_name=track.album_name,
                duration=track.duration,
                play_count=int(count),
                unique_listeners=int(unique),
            )
            for track, count, unique in await session.execute(query)
        ]

    async def stats(self, session: AsyncSession, artist_id: uuid.UUID) -> ArtistStats:
        row = (
            await session.execute(
                select(
                    func.count(),
                    func.count(func.distinct(PlayEvent.user_id)),
                    func.avg(PlayEvent.completion_rate),
                    func.avg(case((PlayEvent.skipped, 1.0), else_=0.0)),
                ).where(PlayEvent.track_id.in_(_tracks_of(artist_id)))
            )
        ).one()
        return ArtistStats(
            artist_id=artist_id,
            total_plays=row[0],
            unique_listeners=row[1],
            avg_completion_rate=round(float(row[2] or 0.0), 4),
            skip_rate=round(float(row[3] or 0.0), 4),
        )

    async def related(
        self, session: AsyncSession, artist_id: uuid.UUID, limit: int
    ) -> RelatedArtists:
        """Co-listening: artists played by the users who played this one, scored by common
        listeners × ln(their weighted plays + 1). Last.fm and genre + audio similarity come
        with metadata enrichment and analysis."""
        listeners = select(UserPlayStats.user_id).where(
            UserPlayStats.item_type == "artist",
            UserPlayStats.item_id == artist_id,
            UserPlayStats.play_count > 0,
        )
        rows = await session.execute(
            select(
                Artist,
                func.count(func.distinct(UserPlayStats.user_id)),
                func.sum(UserPlayStats.weighted_play_count),
            )
            .join(UserPlayStats, UserPlayStats.item_id == Artist.id)
            .where(
                UserPlayStats.item_type == "artist",
                UserPlayStats.user_id.in_(listeners),
                UserPlayStats.play_count > 0,
                Artist.id != artist_id,
                listed(),
            )
            .group_by(Artist.id)
        )
        scored = [
            (common * math.log(float(weighted or 0.0) + 1.0), artist)
            for artist, common, weighted in rows
        ]
        best = max((score for score, _ in scored), default=0.0)
        if best <= 0:
            return RelatedArtists(artist_id=artist_id, data=[], source="none")
        kept = sorted(
            ((s, a) for s, a in scored if s >= best * RELATED_CUTOFF),
            key=lambda pair: (-pair[0], str(pair[1].id)),
        )[:limit]
        data = [
            RelatedArtist(
                id=artist.id,
                name=artist.name,
                album_count=artist.album_count,
                song_count=artist.song_count,
                match_score=round(score / best * 100),
            )
            for score, artist in kept
        ]
        return RelatedArtists(artist_id=artist_id, data=data, source="internal")

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreArtistSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[ArtistView]:
        """Artists credited on at least one present track of the genre."""
        credited = (
            select(TrackArtist.artist_id)
            .join(Track, Track.id == TrackArtist.track_id)
            .join(track_genres, track_genres.c.track_id == Track.id)
            .where(track_genres.c.genre_id == genre_id, Track.missing_at.is_(None))
        )
        column: Any = {
            GenreArtistSort.NAME: Artist.order_artist_name,
            GenreArtistSort.ALBUM_COUNT: Artist.album_count,
            GenreArtistSort.SONG_COUNT: Artist.song_count,
        }[sort]
        key = column.asc() if order is Order.ASC else column.desc()
        query = select(Artist).where(listed(), Artist.id.in_(credited)).order_by(key, Artist.id)
        return await _slice(session, query, skip, take)


def _tracks_of(artist_id: uuid.UUID) -> Select[uuid.UUID]:
    return select(TrackArtist.track_id).where(
        TrackArtist.artist_id == artist_id, TrackArtist.role == "artist"
    )


async def _slice(
    session: AsyncSession, query: Select[Artist], skip: int, take: int
) -> Slice[ArtistView]:
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total <= skip:
        return Slice(items=[], total=total)
    artists = await session.scalars(query.offset(skip).limit(take))
    return Slice(items=[artist_view(a) for a in artists], total=total)


def artist_view(artist: Artist) -> ArtistView:
    return ArtistView(
        id=artist.id,
        name=artist.name,
        album_count=artist.album_count,
        song_count=artist.song_count,
        duration=artist.duration,
        size=artist.size,
        mbz_artist_id=artist.mbz_artist_id,
        biography=artist.biography,
        external_url=artist.external_url,
        external_info_updated_at=artist.external_info_updated_at,
        order_artist_name=artist.order_artist_name,
        created_at=artist.created_at,
        updated_at=artist.updated_at,
    )
