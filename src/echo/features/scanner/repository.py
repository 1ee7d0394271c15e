"""Scan rows, unreadable-file rows and the missing-track queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.scanner.models import LibraryScan, ScanError
from echo.features.tracks.models import Track

ACTIVE_STATUSES = ("pending", "running", "paused")


async def get_scan(session: AsyncSession, scan_id: uuid.UUID) -> LibraryScan | None:
    return await session.get(LibraryScan, scan_id)


async def active_scan(session: AsyncSession) -> LibraryScan | None:
    return await session.scalar(select(LibraryScan).where(LibraryScan.active.is_(True)))


async def list_scans(session: AsyncSession, skip: int, take: int) -> tuple[list[LibraryScan], int]:
    total = await session.scalar(select(func.count()).select_from(LibraryScan)) or 0
    rows = await session.scalars(
        select(LibraryScan)
        .order_by(LibraryScan.started_at.desc(), LibraryScan.id)
        .offset(skip)
        .limit(take)
    )
    return list(rows), total


async def last_completed_scan(session: AsyncSession) -> LibraryScan | None:
    return await session.scalar(
        select(LibraryScan)
        .where(LibraryScan.status == "completed")
        .order_by(LibraryScan.finished_at.desc())
        .limit(1)
    )


async def interrupted_before(session: AsyncSession, scan_id: uuid.UUID) -> bool:
    """Whether the last scan to finish before this one stopped early (failed, cancelled, or
    its process died): it may have stored tracks without counting them."""
    status = await session.scalar(
        select(LibraryScan.status)
        .where(LibraryScan.id != scan_id, LibraryScan.finished_at.is_not(None))
        .order_by(LibraryScan.finished_at.desc())
        .limit(1)
    )
    return status in ("failed", "cancelled")


async def requested_action(session: AsyncSession, scan_id: uuid.UUID, now: datetime) -> str | None:
    """Beats the heartbeat and returns a pending pause/resume/cancel request."""
    await beat(session, scan_id, now)
    return await requested(session, scan_id)


async def beat(session: AsyncSession, scan_id: uuid.UUID, now: datetime) -> None:
    """The scanning process is alive (a scan whose heartbeat stops is failed by the next)."""
    await session.execute(
        update(LibraryScan).where(LibraryScan.id == scan_id).values(heartbeat_at=now)
    )


async def requested(session: AsyncSession, scan_id: uuid.UUID) -> str | None:
    """The pending pause/resume/cancel request of a scan."""
    return await session.scalar(select(LibraryScan.requested).where(LibraryScan.id == scan_id))


async def known_errors(session: AsyncSession) -> dict[str, tuple[int, int]]:
    rows = await session.execute(select(ScanError.path, ScanError.size, ScanError.mtime_ns))
    return {row.path: (row.size, row.mtime_ns) for row in rows}


async def record_errors(
    session: AsyncSession, errors: Sequence[tuple[str, int, int, str]], scan_id: uuid.UUID
) -> None:
    paths = [path for path, *_ in errors]
    await forget_errors(session, paths)
    session.add_all(
        ScanError(path=path, size=size, mtime_ns=mtime, error=message[:2000], scan_id=scan_id)
        for path, size, mtime, message in errors
    )


async def forget_errors(session: AsyncSession, paths: Sequence[str]) -> None:
    for start in range(0, len(paths), 500):
        await session.execute(
            delete(ScanError).where(ScanError.path.in_(paths[start : start + 500]))
        )


async def missing_tracks(session: AsyncSession) -> list[Track]:
    return list(
        await session.scalars(
            select(Track).where(Track.missing_at.is_not(None)).order_by(Track.missing_at, Track.id)
        )
    )


async def clear_missing(session: AsyncSession, ids: Sequence[uuid.UUID]) -> None:
    for start in range(0, len(ids), 500):
        await session.execute(
            update(Track).where(Track.id.in_(ids[start : start + 500])).values(missing_at=None)
        )
