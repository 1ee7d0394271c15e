"""Queries on play history, per-user play statistics and playback state. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, case, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from echo.core.db import upsert
from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.play_tracking.models import PlaybackState, PlayEvent, UserPlayStats
from echo.features.play_tracking.schemas import CONTEXT_WEIGHTS
from echo.features.tracks.models import Track, TrackArtist

ITEM_MODELS: dict[str, type[Track] | type[Album] | type[Artist]] = {
    "track": Track,
    "album": Album,
    "artist": Artist,
}


async def get_track(session: AsyncSession, track_id: uuid.UUID) -> Track | None:
    return await session.get(Track, track_id)


async def item_exists(session: AsyncSession, item_type: str, item_id: uuid.UUID) -> bool:
    model = ITEM_MODELS[item_type]
    return await session.scalar(select(model.id).where(model.id == item_id)) is not None


async def credited_artist_ids(session: AsyncSession, track: Track) -> set[uuid.UUID]:
    """The track's main artist and every artist credited on it (not the album artist)."""
    rows = await session.scalars(
        select(TrackArtist.artist_id).where(
            TrackArtist.track_id == track.id, TrackArtist.role == "artist"
        )
    )
    return {track.artist_id, *rows}


def add_event(session: AsyncSession, event: PlayEvent) -> None:
    session.add(event)


async def add_to_stats(
    session: AsyncSession,
    user_id: uuid.UUID,
    items: list[tuple[str, uuid.UUID]],
    *,
    skipped: bool,
    completion_rate: float,
    weighted: float,
    played_at: datetime,
) -> None:
    """One atomic INSERT … ON CONFLICT DO UPDATE for every item: concurrent plays of the same
    item add up instead of overwriting each other. A skip only counts the skip."""
    table = UserPlayStats.__table__
    assert isinstance(table, Table)
    rows = [
        {
            "user_id": user_id,
            "item_type": item_type,
            "item_id": item_id,
            "play_count": 0 if skipped else 1,
            "weighted_play_count": 0.0 if skipped else weighted,
            "skip_count": 1 if skipped else 0,
            "avg_completion_rate": 0.0 if skipped else completion_rate,
            "last_played_at": None if skipped else played_at,
        }
        for item_type, item_id in dict.fromkeys(items)
    ]
    insert = upsert(session, table)
    stats = UserPlayStats
    changes: dict[str, Any]
    if skipped:
        changes = {"skip_count": stats.skip_count + 1}
    else:
        # SET expressions read the row as it was before the update, on both databases.
        changes = {
            "play_count": stats.play_count + 1,
            "weighted_play_count": stats.weighted_play_count + insert.excluded.weighted_play_count,
            "avg_completion_rate": (
                stats.avg_completion_rate * stats.play_count + insert.excluded.avg_completion_rate
            )
            / (stats.play_count + 1),
            "last_played_at": insert.excluded.last_played_at,
        }
    await session.execute(
        insert.values(rows).on_conflict_do_update(
            index_elements=["user_id", "item_id", "item_type"], set_=changes
        )
    )


async def get_stats(
    session: AsyncSession, user_id: uuid.UUID, item_type: str, item_id: uuid.UUID
) -> UserPlayStats | None:
    return await session.get(UserPlayStats, (user_id, item_id, item_type))


@dataclass(frozen=True)
class Audience:
    play_count: int
    listener_count: int


async def audience(session: AsyncSession, item_type: str, item_id: uuid.UUID) -> Audience:
    """Plays of an item by all users, and how many users played it."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(UserPlayStats.play_count), 0),
                func.count().filter(UserPlayStats.play_count > 0),
            ).where(UserPlayStats.item_type == item_type, UserPlayStats.item_id == item_id)
        )
    ).one()
    return Audience(int(row[0]), int(row[1]))


async def history(
    session: AsyncSession,
    user_id: uuid.UUID,
    limit: int,
    offset: int,
    since: datetime | None = None,
) -> list[PlayEvent]:
    query = select(PlayEvent).where(PlayEvent.user_id == user_id)
    if since is not None:
        query = query.where(PlayEvent.played_at >= since)
    query = query.order_by(PlayEvent.played_at.desc(), PlayEvent.created_at.desc(), PlayEvent.id)
    return list(await session.scalars(query.offset(offset).limit(limit)))


async def recent_track_ids(
    session: AsyncSession, user_id: uuid.UUID, limit: int
) -> list[uuid.UUID]:
    last_played = func.max(PlayEvent.played_at)
    rows = await session.execute(
        select(PlayEvent.track_id)
        .where(PlayEvent.user_id == user_id)
        .group_by(PlayEvent.track_id)
        .order_by(last_played.desc(), PlayEvent.track_id)
        .limit(limit)
    )
    return [row.track_id for row in rows]


@dataclass(frozen=True)
class TopRow:
    track: Track
    play_count: int
    weighted_play_count: float


def _context_weight() -> ColumnElement[float]:
    return case(
        *(
            (PlayEvent.play_context == context, weight)
            for context, weight in CONTEXT_WEIGHTS.items()
        ),
        else_=0.0,
    )


async def top_tracks(
    session: AsyncSession, user_id: uuid.UUID, limit: int, since: datetime | None
) -> list[TopRow]:
    """By weighted plays. All time reads the kept statistics; a window reads the history."""
    if since is None:
        stats = UserPlayStats
        query = (
            select(Track, stats.play_count, stats.weighted_play_count)
            .join(Track, Track.id == stats.item_id)
            .where(stats.user_id == user_id, stats.item_type == "track", stats.play_count > 0)
            .order_by(
                stats.weighted_play_count.desc(),
                stats.play_count.desc(),
                stats.last_played_at.desc(),
                stats.item_id,
            )
        )
    else:
        plays = func.count()
        weighted = func.sum(_context_weight() * PlayEvent.completion_rate)
        query = (
            select(Track, plays, weighted)
            .join(Track, Track.id == PlayEvent.track_id)
            .where(
                PlayEvent.user_id == user_id,
                PlayEvent.played_at >= since,
                PlayEvent.skipped.is_(False),
            )
            .group_by(Track.id)
            .order_by(weighted.desc(), plays.desc(), func.max(PlayEvent.played_at).desc(), Track.id)
        )
    rows = await session.execute(query.limit(limit))
    return [TopRow(row[0], int(row[1]), float(row[2])) for row in rows]


@dataclass(frozen=True)
class ContextFigures:
    context: str
    events: int
    skips: int
    completion_sum: float


async def figures_by_context(
    session: AsyncSession, user_id: uuid.UUID, since: datetime
) -> list[ContextFigures]:
    rows = await session.execute(
        select(
            PlayEvent.play_context,
            func.count(),
            func.count().filter(PlayEvent.skipped.is_(True)),
            func.sum(PlayEvent.completion_rate),
        )
        .where(PlayEvent.user_id == user_id, PlayEvent.played_at >= since)
        .group_by(PlayEvent.play_context)
    )
    return [ContextFigures(row[0], int(row[1]), int(row[2]), float(row[3])) for row in rows]


async def delete_events_before(session: AsyncSession, cutoff: datetime) -> int:
    result = await session.execute(delete(PlayEvent).where(PlayEvent.played_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def save_playback_state(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    is_playing: bool,
    track_id: uuid.UUID | None,
    federation_track: dict[str, Any] | None,
    now: datetime,
) -> None:
    table = PlaybackState.__table__
    assert isinstance(table, Table)
    insert = upsert(session, table)
    values = {
        "is_playing": is_playing,
        "current_track_id": track_id,
        "current_federation_track": federation_track,
        "updated_at": now,
    }
    await session.execute(
        insert.values(
            user_id=user_id, created_at=now, position=0.0, **values
        ).on_conflict_do_update(index_elements=["user_id"], set_=values)
    )
