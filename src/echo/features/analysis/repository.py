"""Queries on track and album loudness; the service commits."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.db import utcnow
from echo.features.analysis.models import DONE, FAILED, PENDING, AlbumLoudness, TrackLoudness
from echo.features.tracks.models import Track


async def add_missing(session: AsyncSession) -> None:
    """A pending row for every present track that has none: the work still to do."""
    lacking = (
        select(Track.id, literal(PENDING), literal(utcnow(), TrackLoudness.updated_at.type))
        .outerjoin(TrackLoudness, TrackLoudness.track_id == Track.id)
        .where(TrackLoudness.track_id.is_(None), Track.missing_at.is_(None))
    )
    await session.execute(
        insert(TrackLoudness).from_select(["track_id", "status", "updated_at"], lacking)
    )


async def pending_ids(session: AsyncSession) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(TrackLoudness.track_id).where(TrackLoudness.status == PENDING)
    )
    return list(rows)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(TrackLoudness.status, func.count()).group_by(TrackLoudness.status)
    )
    return {str(status): int(count) for status, count in rows.all()}


async def processed_since(session: AsyncSession, since: datetime) -> int:
    count = await session.scalar(
        select(func.count()).select_from(TrackLoudness).where(TrackLoudness.analyzed_at >= since)
    )
    return int(count or 0)


async def track_to_measure(session: AsyncSession, track_id: uuid.UUID) -> Track | None:
    """The track, if it still waits for a measurement."""
    row = await session.execute(
        select(Track)
        .join(TrackLoudness, TrackLoudness.track_id == Track.id)
        .where(Track.id == track_id, TrackLoudness.status == PENDING)
    )
    return row.scalar_one_or_none()


async def get(session: AsyncSession, track_id: uuid.UUID) -> TrackLoudness | None:
    return await session.get(TrackLoudness, track_id)


async def reset_failed(session: AsyncSession) -> int:
    result = await session.execute(
        update(TrackLoudness)
        .where(TrackLoudness.status == FAILED)
        .values(status=PENDING, error=None, analyzed_at=None, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def album_pending(session: AsyncSession, album_id: uuid.UUID) -> bool:
    found = await session.scalar(
        select(TrackLoudness.track_id)
        .join(Track, Track.id == TrackLoudness.track_id)
        .where(Track.album_id == album_id, TrackLoudness.status == PENDING)
        .limit(1)
    )
    return found is not None


async def album_measurements(session: AsyncSession, album_id: uuid.UUID) -> list[TrackLoudness]:
    """Measured tracks of the album in play order, so the blocks join as the album plays."""
    rows = await session.scalars(
        select(TrackLoudness)
        .join(Track, Track.id == TrackLoudness.track_id)
        .where(Track.album_id == album_id, TrackLoudness.status == DONE)
        .order_by(Track.disc_number, Track.track_number, Track.path)
    )
    return list(rows)


async def get_album(session: AsyncSession, album_id: uuid.UUID) -> AlbumLoudness | None:
    return await session.get(AlbumLoudness, album_id)
