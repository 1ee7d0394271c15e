"""DJ analysis use cases: queue the tracks still to analyse, analyse one in the pool,
recalibrate the library's energies, stop, report progress; a track's features; the DJ shuffle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import uuid
import weakref
from dataclasses import dataclass
from datetime import timedelta
from statistics import median

from echo.bootstrap import Services, dj_concurrency
from echo.core.db import utcnow
from echo.core.errors import NotFound
from echo.core.pool import TaskCrashed, TaskTimedOut
from echo.features.analysis import dj_repository as repository
from echo.features.analysis import service as loudness
from echo.features.analysis.dj import (
    RECALIBRATION_MINIMUM,
    effective_bpm_key,
    energy_score,
    recalibrate_energy,
)
from echo.features.analysis.measure import DjFailure, DjMeasurement, analyse_dj_file
from echo.features.analysis.models import ANALYZING, COMPLETED, FAILED, PENDING
from echo.features.analysis.schemas import (
    DjProgress,
    DjShufflePage,
    DjStatus,
    RetryResult,
    StopResult,
    TrackDj,
    camelot_color,
)
from echo.features.analysis.scoring import TrackFeatures, dj_shuffle, pool_size
from echo.features.scanner.events import NAMESPACE
from echo.features.tracks.models import Track

log = logging.getLogger(__name__)

DJ_QUEUE = "dj-analysis"
PROGRESS_EVENT = "dj:progress"
AUTO_ANALYSIS_SETTING = "dj.auto_analysis.enabled"
ANALYZER_BACKEND = "essentia"
# Session figures (start, current track, a manual stop) live in the cache, so every serve and
# worker process reports the same run.
SESSION_KEY = "analysis:dj:session"
SESSION_TTL = 7 * 24 * 3600
# The library's median raw energy, the centre of the energy sigmoid (see recalibrate).
MIDPOINT_KEY = "analysis:dj:midpoint"
MIDPOINT_TTL = 24 * 3600
# The spec resets rows `analyzing` for longer than this: their process died.
STUCK_AFTER = timedelta(minutes=3)
# Energies that move less than this in a recalibration are left as they are.
ENERGY_TOLERANCE = 1e-3
NOTHING_FOUND = "Neither a BPM nor a key could be found"


@dataclass(frozen=True)
class DjOutcome:
    """How one track's analysis ended, for the CLI's report."""

    path: str
    status: str  # completed | failed
    error: str | None


def _job_key(track_id: uuid.UUID) -> str:
    return f"dj:{track_id}"


def stuck_after(services: Services) -> timedelta:
    """A row `analyzing` for longer than this has lost its process (and is claimed again)."""
    return max(STUCK_AFTER, timedelta(seconds=services.settings.dj_timeout_seconds + 60))


async def queue_after_scan(services: Services) -> int:
    """Post-scan task: new tracks get analysed unless an admin turned that off."""
    if not await loudness.setting_enabled(services, AUTO_ANALYSIS_SETTING, True):
        return 0
    return await queue_pending(services)


async def queue_at_start(services: Services) -> int:
    """Work a previous process left is derived from the database. Without Redis this process
    is the only one analysing, so every `analyzing` row was orphaned by the last stop."""
    if services.redis is None:
        async with services.sessions() as session:
            await repository.reset_stuck(session, None)
            await session.commit()
    return await queue_pending(services)


async def pending_tracks(services: Services, retry_failed: bool = False) -> list[uuid.UUID]:
    """Marks every present track without an analysis pending (and failed ones, when asked,
    and ones whose process died) and returns all pending tracks."""
    async with services.sessions() as session:
        if retry_failed:
            await repository.reset_failed(session)
        await repository.reset_stuck(session, utcnow() - stuck_after(services))
        await repository.add_missing(session)
        ids = await repository.pending_ids(session)
        await session.commit()
    return ids


async def queue_pending(services: Services) -> int:
    """Enqueues every track without an analysis and every one still pending (a restart may
    have dropped its job); queueing a track twice is a no-op. Lifts a manual stop. Returns
    the pending count."""
    async with services.sessions() as session:
        counts = await repository.count_by_status(session)
    busy_before = counts.get(PENDING, 0) + counts.get(ANALYZING, 0)
    ids = await pending_tracks(services)
    state = await _state(services)
    new_run = bool(ids) and (busy_before == 0 or "startedAt" not in state)
    if new_run:
        state = {"startedAt": utcnow().isoformat(), "current": None}
    if new_run or state.get("stopped"):
        await services.cache.set(SESSION_KEY, {**state, "stopped": False}, SESSION_TTL)
    if not ids:
        return 0
    for track_id in ids:
        await services.jobs.enqueue(DJ_QUEUE, {"trackId": str(track_id)}, key=_job_key(track_id))
    await emit_progress(services)
    return len(ids)


async def retry_failed(services: Services) -> RetryResult:
    async with services.sessions() as session:
        retried = await repository.reset_failed(session)
        await session.commit()
    if retried:
        await queue_pending(services)
    return RetryResult(retried=retried, message=f"{retried} tracks queued for DJ analysis")


async def stop(services: Services) -> StopResult:
    """Drops the queued jobs and marks the tracks still pending failed ("Stopped by user");
    files being analysed finish. The status stops restarting the queue until the next scan,
    retry or start-up."""
    state = await _state(services)
    await services.cache.set(SESSION_KEY, {**state, "stopped": True}, SESSION_TTL)
    async with services.sessions() as session:
        stopped = await repository.stop_pending(session)
        await session.commit()
    drained = await services.jobs.drain(DJ_QUEUE)
    log.info("DJ analysis stopped: %d tracks pending, %d jobs dropped", stopped, drained)
    await emit_progress(services)
    return StopResult(
        success=True, message=f"DJ analysis stopped; {stopped} pending tracks marked failed"
    )


async def analyse_track(services: Services, track_id: uuid.UUID) -> DjOutcome | None:
    """Analyses one pending track in the analysis pool and stores the outcome. A file that
    cannot be decoded, crashes its process or runs out of time is marked failed. None when
    the track is not pending (analysed meanwhile, stopped, deleted, or in another process)."""
    async with services.sessions() as session:
        claimed = await repository.claim(session, track_id, utcnow() - stuck_after(services))
        track = await session.get(Track, track_id) if claimed else None
        await session.commit()
    if track is None:
        return None
    path, album_id, tag_bpm, tag_key = track.path, track.album_id, track.bpm, track.initial_key
    await _set_current(services, track.title)
    outcome: DjMeasurement | DjFailure
    try:
        outcome = await services.analysis_pool.run(
            services.settings.dj_timeout_seconds, analyse_dj_file, path, tag_bpm, tag_key
        )
    except (TaskTimedOut, TaskCrashed) as error:
        outcome = DjFailure(path, str(error))
    except asyncio.CancelledError:
        # Stopped mid-file (the process shuts down): the next consumer starts it again.
        with contextlib.suppress(Exception):
            await asyncio.shield(_release(services, track_id))
        raise
    stored = await _store(services, track_id, path, outcome, tag_bpm, tag_key)
    if stored.status == FAILED:
        log.warning("DJ analysis of %s failed: %s", path, stored.error)
    await _after_store(services, track_id, album_id)
    await emit_progress(services)
    return stored


async def _release(services: Services, track_id: uuid.UUID) -> None:
    async with services.sessions() as session:
        row = await repository.get(session, track_id)
        if row is not None and row.status == ANALYZING:
            row.status = PENDING
            await session.commit()


async def _store(
    services: Services,
    track_id: uuid.UUID,
    path: str,
    outcome: DjMeasurement | DjFailure,
    tag_bpm: float | None,
    tag_key: str | None,
) -> DjOutcome:
    midpoint = await library_midpoint(services)
    async with services.sessions() as session:
        row = await repository.get(session, track_id)
        if row is None:  # the track was deleted while it was analysed
            return DjOutcome(path, FAILED, "deleted")
        row.analyzed_at = utcnow()
        if isinstance(outcome, DjFailure):
            row.status, row.error = FAILED, outcome.error[:2000]
        else:
            features = outcome.features
            chosen = effective_bpm_key(tag_bpm, tag_key, features)
            raw = features.energy_raw if features is not None else outcome.fallback_energy_raw
            row.bpm = round(chosen.bpm, 2) if chosen.bpm is not None else None
            row.key, row.camelot_key = chosen.key, chosen.camelot_key
            row.raw_energy = raw
            row.energy = energy_score(raw, midpoint) if raw is not None else None
            row.danceability = features.danceability if features is not None else None
            row.detected_bpm = round(features.bpm, 2) if features and features.bpm else None
            row.detected_key = features.key if features is not None else None
            row.bpm_confidence = features.bpm_confidence if features is not None else None
            row.key_strength = features.key_strength if features is not None else None
            if chosen.bpm is None and chosen.key is None:
                reason = outcome.analysis_error
                row.status = FAILED
                row.error = f"{NOTHING_FOUND} ({reason})"[:2000] if reason else NOTHING_FOUND
            else:
                row.status, row.error = COMPLETED, None
        await session.commit()
        return DjOutcome(path, row.status, row.error)


async def _after_store(services: Services, track_id: uuid.UUID, album_id: uuid.UUID) -> None:
    """Cached payloads showing the track go; once no track is left to analyse, the library's
    energies are recalibrated and every cached track payload goes."""
    async with services.sessions() as session:
        album_done = not await repository.album_busy(session, album_id)
        counts = await repository.count_by_status(session)
    await loudness.forget_track_payload(services, track_id, album_id if album_done else None)
    if counts.get(PENDING, 0) + counts.get(ANALYZING, 0) == 0:
        await recalibrate(services)
        await loudness.forget_all_track_payloads(services)


async def library_midpoint(services: Services) -> float:
    """The centre of the energy sigmoid: the library's median raw energy once there are
    RECALIBRATION_MINIMUM analyses, else the spec's fixed 0.5."""
    cached = await services.cache.get(MIDPOINT_KEY)
    if isinstance(cached, int | float):
        return float(cached)
    async with services.sessions() as session:
        raws = [raw for _, raw, _ in await repository.raw_energies(session)]
    midpoint = median(raws) if len(raws) >= RECALIBRATION_MINIMUM else 0.5
    await services.cache.set(MIDPOINT_KEY, midpoint, MIDPOINT_TTL)
    return midpoint


async def recalibrate(services: Services) -> int:
    """Spec §2.11 step 9: with ≥ 20 completed analyses every energy is the sigmoid around the
    library's median raw energy. Returns how many energies changed."""
    async with services.sessions() as session:
        rows = await repository.raw_energies(session)
        raws = [raw for _, raw, _ in rows]
        energies = recalibrate_energy(raws)
        changed = [
            (track_id, energy)
            for (track_id, _, old), energy in zip(rows, energies, strict=True)
            if old is None or abs(old - energy) > ENERGY_TOLERANCE
        ]
        await repository.set_energies(session, changed)
        await session.commit()
    midpoint = median(raws) if len(raws) >= RECALIBRATION_MINIMUM else 0.5
    await services.cache.set(MIDPOINT_KEY, midpoint, MIDPOINT_TTL)
    return len(changed)


async def _state(services: Services) -> dict[str, object]:
    state = await services.cache.get(SESSION_KEY)
    return state if isinstance(state, dict) else {}


async def _set_current(services: Services, title: str) -> None:
    state = await _state(services) or {"startedAt": utcnow().isoformat()}
    await services.cache.set(SESSION_KEY, {**state, "current": title}, SESSION_TTL)


async def dj_status(services: Services) -> DjStatus:
    """The figures of the run; as the spec asks, rows stuck `analyzing` go back to pending and
    pending work with an idle queue is queued again, unless an admin stopped the analysis."""
    async with services.sessions() as session:
        await repository.reset_stuck(session, utcnow() - stuck_after(services))
        await session.commit()
    status = await _status(services)
    if status.pending_tracks and not status.stopped and await _queue_idle(services):
        await queue_pending(services)
        status = await _status(services)
    return status


async def _queue_idle(services: Services) -> bool:
    for stats in await services.jobs.stats():
        if stats.name == DJ_QUEUE:
            return stats.waiting + stats.active == 0
    return True


async def _status(services: Services) -> DjStatus:
    state = await _state(services)
    started = loudness.started_at_of(state)
    async with services.sessions() as session:
        counts = await repository.count_by_status(session)
        processed = await repository.processed_since(session, started) if started else 0
    pending = counts.get(PENDING, 0) + counts.get(ANALYZING, 0)
    eta = None
    if started is not None and processed and pending:
        elapsed = (utcnow() - started).total_seconds()
        eta = math.ceil(elapsed / processed * pending)
    running = pending > 0
    current = state.get("current")
    return DjStatus(
        is_running=running,
        pending_tracks=pending,
        processed_in_session=processed,
        failed_tracks=counts.get(FAILED, 0),
        current_track=current if running and isinstance(current, str) else None,
        started_at=started,
        estimated_time_remaining=eta,
        concurrency=dj_concurrency(services.settings),
        analyzer_backend=ANALYZER_BACKEND,
        stopped=bool(state.get("stopped")),
    )


# Figures are read and sent under one lock per event loop, so this process never sends older
# figures after newer ones (the retained value is the last one sent).
_emitting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def emit_progress(services: Services) -> DjProgress:
    """`dj:progress`, retained so a client that connects later gets the latest figures."""
    lock = _emitting.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        status = await _status(services)
        progress = DjProgress(
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


async def track_dj(services: Services, track_id: uuid.UUID) -> TrackDj | None:
    """The track's analysis; None when it has none yet (the spec's `null`)."""
    async with services.sessions() as session:
        row = await repository.get(session, track_id)
        if row is None:
            if await session.get(Track, track_id) is None:
                raise NotFound("Track not found")
            return None
    return TrackDj(
        status=row.status,
        bpm=row.bpm,
        key=row.key,
        camelot_key=row.camelot_key,
        camelot_color=camelot_color(row.camelot_key),
        energy=row.energy,
        raw_energy=row.raw_energy,
        danceability=row.danceability,
        detected_bpm=row.detected_bpm,
        detected_key=row.detected_key,
        analysis_error=row.error,
        analyzed_at=row.analyzed_at,
    )


async def shuffle(services: Services, seed: float | None, skip: int, take: int) -> DjShufflePage:
    """Spec §2.7: the first page chains a seeded pool of 3 × `take` tracks by transition score
    when at least half of them are analysed; other pages, and a pool analysed less, are the
    regular seeded shuffle (`djMode` false)."""
    if seed is None:
        seed = random.random()
    tracks = services.library.tracks
    async with services.sessions() as session:
        total = await tracks.count(session)
        if skip > 0:
            items, dj_mode = await tracks.shuffled(session, seed, skip, take), False
        else:
            pool = await tracks.shuffled(session, seed, 0, pool_size(take))
            found = await repository.completed_features(session, [view.id for view in pool])
            chosen = dj_shuffle(
                [(str(view.id), _features(found.get(view.id))) for view in pool], seed, take
            )
            by_id = {str(view.id): view for view in pool}
            items, dj_mode = [by_id[track_id] for track_id in chosen.track_ids], chosen.dj_mode
    return DjShufflePage(
        data=items,
        total=total,
        skip=skip,
        take=take,
        has_more=skip + take < total,
        seed=seed,
        dj_mode=dj_mode,
    )


def _features(
    values: tuple[float | None, str | None, float | None, float | None] | None,
) -> TrackFeatures | None:
    if values is None:
        return None
    bpm, code, energy, danceability = values
    return TrackFeatures(bpm=bpm, camelot_key=code, energy=energy, danceability=danceability)
