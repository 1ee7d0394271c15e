"""Phase 6: recompute album, artist and genre counts; remove albums, artists and genres left empty."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.db import utcnow
from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.genres.models import Genre, album_genres, artist_genres, track_genres
from echo.features.tracks.models import Track, TrackArtist

Figures = dict[uuid.UUID, tuple[Any, ...]]

ALBUM_FIGURES = ("song_count", "duration", "size", "disc_count")
ARTIST_FIGURES = ("song_count", "album_count", "duration", "size")
GENRE_FIGURES = ("song_count", "album_count", "artist_count")


# What a scan writes, for refresh_planner_statistics.
LIBRARY_TABLES = (
    "artists",
    "albums",
    "tracks",
    "track_artists",
    "genres",
    "track_genres",
    "album_genres",
    "artist_genres",
)


async def refresh_planner_statistics(session: AsyncSession) -> None:
    """PostgreSQL plans queries by table statistics: after a scan changed the library they are
    refreshed now, so browsing a freshly scanned library uses its indexes at once rather than
    after autovacuum's next pass (a 100,000-track search read every row until then). SQLite's
    queries name their indexes where its planner would guess wrong."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {', '.join(LIBRARY_TABLES)}"))


async def refresh_aggregates(session: AsyncSession) -> None:
    """Whole-library grouped queries: a few of them beat tracking every touched row, and a
    scan interrupted earlier is repaired by the next one. Only rows whose figures differ are
    written, so `updated_at` moves only for albums and artists a scan really changed."""
    present = Track.missing_at.is_(None)
    albums: Figures = {
        album_id: (songs, duration or 0.0, int(size or 0), discs or 1)
        for album_id, songs, duration, size, discs in await session.execute(
            select(
                Track.album_id,
                func.count(),
                func.sum(Track.duration),
                func.sum(Track.size),
                func.max(Track.disc_number),
            )
            .where(present)
            .group_by(Track.album_id)
        )
    }
    await _write_changed(session, Album, ALBUM_FIGURES, albums, (0, 0.0, 0, 1))
    # Albums whose every track was deleted (missing tracks keep their album).
    await session.execute(delete(Album).where(~exists().where(Track.album_id == Album.id)))

    credits = await session.execute(
        select(TrackArtist.artist_id, func.count(func.distinct(TrackArtist.track_id)))
        .join(Track, Track.id == TrackArtist.track_id)
        .where(present)
        .group_by(TrackArtist.artist_id)
    )
    songs = dict(credits.all())
    albums_of_artists = await session.execute(
        select(Album.album_artist_id, func.count())
        .where(Album.song_count > 0)
        .group_by(Album.album_artist_id)
    )
    album_counts = dict(albums_of_artists.all())
    sums = {
        artist_id: (duration or 0.0, int(size or 0))
        for artist_id, duration, size in await session.execute(
            select(Track.album_artist_id, func.sum(Track.duration), func.sum(Track.size))
            .where(present)
            .group_by(Track.album_artist_id)
        )
    }
    artists: Figures = {
        artist_id: (
            songs.get(artist_id, 0),
            album_counts.get(artist_id, 0),
            *sums.get(artist_id, (0.0, 0)),
        )
        for artist_id in songs.keys() | album_counts.keys() | sums.keys()
    }
    await _write_changed(session, Artist, ARTIST_FIGURES, artists, (0, 0, 0.0, 0))
    await session.execute(
        delete(Artist).where(
            ~exists().where(TrackArtist.artist_id == Artist.id),
            ~exists().where(Album.album_artist_id == Artist.id),
            ~exists().where(or_(Track.artist_id == Artist.id, Track.album_artist_id == Artist.id)),
        )
    )

    genres: Figures = {
        genre_id: (count, album_count, artist_count)
        for genre_id, count, album_count, artist_count in await session.execute(
            select(
                track_genres.c.genre_id,
                func.count(),
                func.count(func.distinct(Track.album_id)),
                func.count(func.distinct(Track.album_artist_id)),
            )
            .join(Track, Track.id == track_genres.c.track_id)
            .where(present)
            .group_by(track_genres.c.genre_id)
        )
    }
    await _write_changed(session, Genre, GENRE_FIGURES, genres, (0, 0, 0))
    await session.execute(
        delete(Genre).where(
            ~exists().where(track_genres.c.genre_id == Genre.id),
            ~exists().where(album_genres.c.genre_id == Genre.id),
            ~exists().where(artist_genres.c.genre_id == Genre.id),
        )
    )


async def _write_changed(
    session: AsyncSession,
    model: type[Album] | type[Artist] | type[Genre],
    names: Sequence[str],
    figures: Figures,
    empty: tuple[Any, ...],
) -> None:
    """One executemany for the rows whose stored figures differ from `figures`."""
    stamp = {"updated_at": utcnow()} if hasattr(model, "updated_at") else {}
    changed = []
    for row_id, *stored in await session.execute(
        select(model.id, *(getattr(model, name) for name in names))
    ):
        computed = figures.get(row_id, empty)
        if any(_differs(old, new) for old, new in zip(stored, computed, strict=True)):
            changed.append({"id": row_id, **dict(zip(names, computed, strict=True)), **stamp})
    if changed:
        await session.execute(update(model), changed)


def _differs(stored: Any, computed: Any) -> bool:
    if isinstance(computed, float):
        # A sum of floats may differ in its last bits when the rows come in another order.
        return stored is None or abs(stored - computed) > 1e-6
    return bool(stored != computed)
