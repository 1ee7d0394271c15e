"""Queries on DJ analyses; the service commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.db import utcnow
from echo.features.analysis.models import ANALYZING, COMPLETED, FAILED, PENDING, DjAnalysis
from echo.features.tracks.models import Track

STOPPED_BY_USER = "Stopped by user"


async def add_missing(session: AsyncSession) -> None:
    """A pending row for every present track that has none: the work still to do."""
    now = utcnow()
    lacking = (
        select(
            Track.id,
            literal(PENDING),
            literal(now, DjAnalysis.created_at.type),
            literal(now, DjAnalysis.updated_at.type),
        )
        .outerjoin(DjAnalysis, DjAnalysis.track_id == Track.id)
        .where(DjAnalysis.track_id.is_(None), Track.missing_at.is_(None))
    )
    await session.execute(
        insert(DjAnalysis).from_select(["track_id", "status", "created_at", "updated_at"], lacking)
    )


async def pending_ids(session: AsyncSession) -> list[uuid.UUID]:
    rows = await session.scalars(select(DjAnalysis.track_id).where(DjAnalysis.status == PENDING))
    return list(rows)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(DjAnalysis.status, func.count()).group_by(DjAnalysis.status)
    )
    return {str(status): int(count) for status, count in rows.all()}


async def processed_since(session: AsyncSession, since: datetime) -> int:
    count = await session.scalar(
        select(func.count()).select_from(DjAnalysis).where(DjAnalysis.analyzed_at >= since)
    )
    return int(count or 0)


async def reset_failed(session: AsyncSession) -> int:
    result = await session.execute(
        update(DjAnalysis)
        .where(DjAnalysis.status == FAILED)
        .values(status=PENDING, error=None, analyzed_at=None, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def reset_stuck(session: AsyncSession, before: datetime | None) -> int:
    """Rows left `analyzing` (their process died) since before `before`, or all of them."""
    query = update(DjAnalysis).where(DjAnalysis.status == ANALYZING)
    if before is not None:
        query = query.where(DjAnalysis.updated_at < before)
    result = await session.execute(query.values(status=PENDING, updated_at=utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


async def stop_pending(session: AsyncSession) -> int:
    result = await session.execute(
        update(DjAnalysis)
        .where(DjAnalysis.status == PENDING)
        .values(status=FAILED, error=STOPPED_BY_USER, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim(session: AsyncSession, track_id: uuid.UUID, stuck_before: datetime) -> bool:
    """Marks a pending track `analyzing` (or one left analyzing since `stuck_before`); False
    when it is not there to analyse (done meanwhile, stopped, deleted, or taken by another
    process)."""
    result = await session.execute(
        update(DjAnalysis)
        .where(
            DjAnalysis.track_id == track_id,
            or_(
                DjAnalysis.status == PENDING,
                and_(DjAnalysis.status == ANALYZING, DjAnalysis.updated_at < stuck_before),
            ),
        )
        .values(status=ANALYZING, updated_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def get(session: AsyncSession, track_id: uuid.UUID) -> DjAnalysis | None:
    return await session.get(DjAnalysis, track_id)


async def album_busy(session: AsyncSession, album_id: uuid.UUID) -> bool:
    """Whether a track of the album still waits for or is in DJ analysis."""
    found = await session.scalar(
        select(DjAnalysis.track_id)
        .join(Track, Track.id == DjAnalysis.track_id)
        .where(Track.album_id == album_id, DjAnalysis.status.in_((PENDING, ANALYZING)))
        .limit(1)
    )
    return found is not None


async def raw_energies(session: AsyncSession) -> list[tuple[uuid.UUID, float, float | None]]:
    """(track, raw energy, energy) of every completed analysis."""
    rows = await session.execute(
        select(DjAnalysis.track_id, DjAnalysis.raw_energy, DjAnalysis.energy).where(
            DjAnalysis.status == COMPLETED, DjAnalysis.raw_energy.is_not(None)
        )
    )
    return [(track_id, raw, energy) for track_id, raw, energy in rows.all() if raw is not None]


async def set_energies(session: AsyncSession, energies: Sequence[tuple[uuid.UUID, float]]) -> None:
    for start in range(0, len(energies), 1000):
        await session.execute(
            update(DjAnalysis),
            [
                {"track_id": track_id, "energy": energy}
                for track_id, energy in energies[start : start + 1000]
            ],
        )


async def completed_features(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[float | None, str | None, float | None, float | None]]:
    """(bpm, Camelot key, energy, danceability) of those of `ids` with a completed analysis."""
    if not ids:
        return {}
    rows = await session.execute(
        select(
            DjAnalysis.track_id,
            DjAnalysis.bpm,
            DjAnalysis.camelot_key,
            DjAnalysis.energy,
            DjAnalysis.danceability,
        ).where(DjAnalysis.track_id.in_(ids), DjAnalysis.status == COMPLETED)
    )
    return {track_id: (bpm, code, energy, dance) for track_id, bpm, code, energy, dance in rows}
