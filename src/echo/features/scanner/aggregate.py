"""Phase 6: recompute album, artist and genre counts; remove albums, artists and genres left empty."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.genres.models import Genre, album_genres, artist_genres, track_genres
from echo.features.tracks.models import Track, TrackArtist


async def refresh_aggregates(session: AsyncSession) -> None:
    """Whole-library statements: a few set-based queries beat tracking every touched row, and
    a scan interrupted earlier is repaired by the next one."""
    present = Track.missing_at.is_(None)
    album_tracks = and_(Track.album_id == Album.id, present)
    await _update_changed(
        session,
        Album,
        {
            "song_count": select(func.count()).where(album_tracks).scalar_subquery(),
            "duration": select(func.coalesce(func.sum(Track.duration), 0.0))
            .where(album_tracks)
            .scalar_subquery(),
            "size": select(func.coalesce(func.sum(Track.size), 0))
            .where(album_tracks)
            .scalar_subquery(),
            "disc_count": select(func.coalesce(func.max(Track.disc_number), 1))
            .where(album_tracks)
            .scalar_subquery(),
        },
    )
    # Albums whose every track was deleted (missing tracks keep their album).
    await session.execute(delete(Album).where(~exists().where(Track.album_id == Album.id)))

    credited = and_(TrackArtist.artist_id == Artist.id, TrackArtist.track_id == Track.id, present)
    await _update_changed(
        session,
        Artist,
        {
            "song_count": select(func.count(func.distinct(TrackArtist.track_id)))
            .where(credited)
            .scalar_subquery(),
            "album_count": select(func.count())
            .where(Album.album_artist_id == Artist.id, Album.song_count > 0)
            .scalar_subquery(),
            "duration": select(func.coalesce(func.sum(Track.duration), 0.0))
            .where(Track.album_artist_id == Artist.id, present)
            .scalar_subquery(),
            "size": select(func.coalesce(func.sum(Track.size), 0))
            .where(Track.album_artist_id == Artist.id, present)
            .scalar_subquery(),
        },
    )
    await session.execute(
        delete(Artist).where(
            ~exists().where(TrackArtist.artist_id == Artist.id),
            ~exists().where(Album.album_artist_id == Artist.id),
            ~exists().where(or_(Track.artist_id == Artist.id, Track.album_artist_id == Artist.id)),
        )
    )

    genre_tracks = and_(
        track_genres.c.genre_id == Genre.id, track_genres.c.track_id == Track.id, present
    )
    await session.execute(
        update(Genre).values(
            song_count=select(func.count()).where(genre_tracks).scalar_subquery(),
            album_count=select(func.count(func.distinct(Track.album_id)))
            .where(genre_tracks)
            .scalar_subquery(),
            artist_count=select(func.count(func.distinct(Track.album_artist_id)))
            .where(genre_tracks)
            .scalar_subquery(),
        )
    )
    await session.execute(
        delete(Genre).where(
            ~exists().where(track_genres.c.genre_id == Genre.id),
            ~exists().where(album_genres.c.genre_id == Genre.id),
            ~exists().where(artist_genres.c.genre_id == Genre.id),
        )
    )


async def _update_changed(
    session: AsyncSession, model: type[Album] | type[Artist], figures: dict[str, Any]
) -> None:
    """Writes only rows whose figures differ, so `updated_at` moves only for albums and
    artists a scan really changed."""
    changed = []
    for name, value in figures.items():
        column = getattr(model, name)
        # A sum of floats may differ in its last bits when the rows come in another order.
        changed.append(
            func.abs(column - value) > 1e-6 if isinstance(column.type, Float) else column != value
        )
    await session.execute(update(model).where(or_(*changed)).values(figures))
