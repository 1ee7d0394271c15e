"""Loudness use cases: queue the tracks still to measure, measure one, report progress."""

from __future__ import annotations

import asyncio
import logging
import math
import uuid
import weakref
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import NotFound
from echo.core.pool import TaskCrashed, TaskTimedOut
from echo.features.analysis import repository
from echo.features.analysis.measure import LoudnessFailure, measure_file
from echo.features.analysis.models import DONE, FAILED, PENDING, AlbumLoudness
from echo.features.analysis.schemas import (
    PREFER_TAGS_SETTING,
    Gains,
    LoudnessValues,
    LufsProgress,
    LufsStatus,
    RetryResult,
    effective_gains,
    setting_on,
)
from echo.features.scanner.events import NAMESPACE
from echo.features.system_settings import repository as settings_repository
from echo.features.tracks.models import Track

# NumPy and the loudness meter are only needed once an album's tracks are all measured
# (`_refresh_album` imports them then): an idle server does not load them.
if TYPE_CHECKING:
    from echo.features.analysis.loudness import Loudness

log = logging.getLogger(__name__)

LUFS_QUEUE = "lufs-analysis"
PROGRESS_EVENT = "lufs:progress"
AUTO_ANALYSIS_SETTING = "lufs.auto_analysis.enabled"
# Session figures live in the cache, so every serve and worker process reports the same run.
SESSION_KEY = "analysis:lufs:session"
SESSION_TTL = 7 * 24 * 3600


def _job_key(track_id: uuid.UUID) -> str:
    return f"lufs:{track_id}"


async def setting_enabled(services: Services, key: str, default: bool) -> bool:
    async with services.sessions() as session:
        value = await settings_repository.get_value(session, key)
    return setting_on(value, default)


async def queue_after_scan(services: Services) -> int:
    """Post-scan task: new tracks get measured unless an admin turned that off."""
    if not await setting_enabled(services, AUTO_ANALYSIS_SETTING, True):
        return 0
    return await queue_pending(services)


async def pending_tracks(services: Services, retry_failed: bool = False) -> list[uuid.UUID]:
    """Marks every present track without a measurement pending (and failed ones, when asked)
    and returns all pending tracks."""
    async with services.sessions() as session:
        if retry_failed:
            await repository.reset_failed(session)
        await repository.add_missing(session)
        ids = await repository.pending_ids(session)
        await session.commit()
    return ids


async def queue_pending(services: Services) -> int:
    """Enqueues every track without a measurement and every one still pending (a restart may
    have dropped its job); queueing a track twice is a no-op. Returns the pending count."""
    async with services.sessions() as session:
        before = (await repository.count_by_status(session)).get(PENDING, 0)
    ids = await pending_tracks(services)
    if not ids:
        return 0
    state = await services.cache.get(SESSION_KEY)
    if before == 0 or not isinstance(state, dict):
        await services.cache.set(
            SESSION_KEY, {"startedAt": utcnow().isoformat(), "current": None}, SESSION_TTL
        )
    for track_id in ids:
        await services.jobs.enqueue(LUFS_QUEUE, {"trackId": str(track_id)}, key=_job_key(track_id))
    await emit_progress(services)
    return len(ids)


async def retry_failed(services: Services) -> RetryResult:
    async with services.sessions() as session:
        retried = await repository.reset_failed(session)
        await session.commit()
    if retried:
        await queue_pending(services)
    return RetryResult(retried=retried, message=f"{retried} tracks queued for loudness analysis")


async def analyse_track(
    services: Services, track_id: uuid.UUID
) -> Loudness | LoudnessFailure | None:
    """Measures one pending track in the analysis pool and stores the outcome. A file that
    cannot be decoded, crashes its process or runs out of time is marked failed. None when
    the track is no longer pending (measured meanwhile, or deleted)."""
    async with services.sessions() as session:
        track = await repository.track_to_measure(session, track_id)
        if track is None:
            return None
        path, album_id, title = track.path, track.album_id, track.title
    await _set_current(services, title)
    timeout = services.settings.lufs_timeout_seconds
    outcome: Loudness | LoudnessFailure
    try:
        outcome = await services.analysis_pool.run(timeout, measure_file, path)
    except (TaskTimedOut, TaskCrashed) as error:
        outcome = LoudnessFailure(path, str(error))
    if isinstance(outcome, LoudnessFailure):
        log.warning("Loudness of %s not measured: %s", path, outcome.error)
    await _store(services, track_id, outcome)
    album_done = await _refresh_album(services, album_id)
    await forget_track_payload(services, track_id, album_id if album_done else None)
    async with services.sessions() as session:
        run_over = not (await repository.count_by_status(session)).get(PENDING, 0)
    if run_over:
        await forget_all_track_payloads(services)
    await emit_progress(services)  # last, so an idle progress means the cache is fresh too
    return outcome


# Cache prefixes whose keys may hold track payloads (tracks/cache.py's key table).
TRACK_PAYLOAD_PREFIXES = ("track", "album:", "genre:", "search:tracks:")


async def forget_track_payload(
    services: Services, track_id: uuid.UUID, album_id: uuid.UUID | None
) -> None:
    """After a track's analysis: its cached payload, and its album's pages once the album is
    done (as a rating drops its item's keys). Lists holding the track (newest, genre,
    search) are dropped with the rest when the run ends: one pass over the cache per run,
    not per track."""
    await services.cache.delete(f"track:{track_id}")
    if album_id is not None:
        await services.cache.delete_prefix(f"album:{album_id}")


async def forget_all_track_payloads(services: Services) -> None:
    for prefix in TRACK_PAYLOAD_PREFIXES:
        await services.cache.delete_prefix(prefix)


async def _store(
    services: Services, track_id: uuid.UUID, outcome: Loudness | LoudnessFailure
) -> None:
    async with services.sessions() as session:
        row = await repository.get(session, track_id)
        if row is None:
            return  # the track was deleted while it was measured
        row.analyzed_at = utcnow()
        if isinstance(outcome, LoudnessFailure):
            row.status, row.error = FAILED, outcome.error[:2000]
        else:
            row.status, row.error = DONE, None
            row.integrated_lufs = _finite(outcome.integrated)
            row.lra = _finite(outcome.lra)
            row.sample_peak = outcome.sample_peak
            row.true_peak_db = _finite(outcome.true_peak_db)
            row.outro_start = outcome.outro_start
            row.sub_blocks = outcome.sub_blocks.astype("<f4").tobytes()
        await session.commit()


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


async def _refresh_album(services: Services, album_id: uuid.UUID) -> bool:
    """Once none of the album's tracks is pending, its loudness is gated over all of them
    (True). Two tracks finishing together may both get here; the second write wins, same
    values."""
    import numpy as np

    from echo.features.analysis.loudness import album_loudness

    for _ in range(2):
        async with services.sessions() as session:
            if await repository.album_pending(session, album_id):
                return False
            tracks = await repository.album_measurements(session, album_id)
            row = await repository.get_album(session, album_id)
            if row is None:
                row = AlbumLoudness(album_id=album_id)
                session.add(row)
            blocks = [np.frombuffer(t.sub_blocks or b"", dtype="<f4") for t in tracks]
            peaks = [t.true_peak_db for t in tracks if t.true_peak_db is not None]
            samples = [t.sample_peak for t in tracks if t.sample_peak is not None]
            row.integrated_lufs = _finite(album_loudness(blocks))
            row.true_peak_db = max(peaks) if peaks else None
            row.sample_peak = max(samples) if samples else None
            row.tracks = len(tracks)
            row.analyzed_at = utcnow()
            try:
                await session.commit()
                return True
            except IntegrityError:
                await session.rollback()  # the other one inserted first: update its row
    return True


async def _set_current(services: Services, title: str) -> None:
    state = await services.cache.get(SESSION_KEY)
    state = state if isinstance(state, dict) else {"startedAt": utcnow().isoformat()}
    await services.cache.set(SESSION_KEY, {**state, "current": title}, SESSION_TTL)


async def lufs_status(services: Services) -> LufsStatus:
    async with services.sessions() as session:
        counts = await repository.count_by_status(session)
        state = await services.cache.get(SESSION_KEY)
        started = started_at_of(state)
        processed = await repository.processed_since(session, started) if started else 0
    pending = counts.get(PENDING, 0)
    eta = None
    if started is not None and processed and pending:
        elapsed = (utcnow() - started).total_seconds()
        eta = math.ceil(elapsed / processed * pending)
    running = pending > 0
    return LufsStatus(
        is_running=running,
        pending_tracks=pending,
        processed_in_session=processed,
        failed_tracks=counts.get(FAILED, 0),
        current_track=state.get("current") if running and isinstance(state, dict) else None,
        started_at=started,
        estimated_time_remaining=eta,
    )


def started_at_of(state: object) -> datetime | None:
    if isinstance(state, dict) and isinstance(state.get("startedAt"), str):
        return datetime.fromisoformat(state["startedAt"])
    return None


# Figures are read and sent under one lock per event loop, so this process never sends older
# figures after newer ones (the retained value is the last one sent).
_emitting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def emit_progress(services: Services) -> LufsProgress:
    """`lufs:progress`, retained so a client that connects later gets the latest figures."""
    lock = _emitting.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        return await _emit_progress(services)


async def _emit_progress(services: Services) -> LufsProgress:
    status = await lufs_status(services)
    progress = LufsProgress(
        is_running=status.is_running,
        pending_tracks=status.pending_tracks,
        processed_in_session=status.processed_in_session,
        estimated_time_remaining=status.estimated_time_remaining,
    )
    await services.broadcaster.emit(
        PROGRESS_EVENT,
        progress.model_dump(mode="json", by_alias=True),
        namespace=NAMESPACE,
        retain=True,
    )
    return progress


async def track_gains(services: Services, track_id: uuid.UUID) -> Gains:
    """The gains a player applies: measured, or the file's ReplayGain tags when an admin
    prefers them (or nothing was measured)."""
    prefer_tags = await setting_enabled(services, PREFER_TAGS_SETTING, False)
    async with services.sessions() as session:
        track = await session.get(Track, track_id)
        if track is None:
            raise NotFound("Track not found")
        measured = await repository.get(session, track_id)
        album = await repository.get_album(session, track.album_id)
    values = LoudnessValues(
        tag_track_gain=track.rg_track_gain,
        tag_track_peak=track.rg_track_peak,
        tag_album_gain=track.rg_album_gain,
        tag_album_peak=track.rg_album_peak,
        lufs=measured.integrated_lufs if measured is not None else None,
        true_peak_db=measured.true_peak_db if measured is not None else None,
        outro_start=measured.outro_start if measured is not None else None,
        album_lufs=album.integrated_lufs if album is not None else None,
        album_true_peak_db=album.true_peak_db if album is not None else None,
    )
    return effective_gains(values, prefer_tags)
