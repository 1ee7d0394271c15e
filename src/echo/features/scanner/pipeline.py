"""One scan from start to end: walk → compare → parse → store → purge → aggregate → covers."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from echo.core.db import utcnow
from echo.features.albums.models import Album
from echo.features.scanner import repository
from echo.features.scanner.aggregate import refresh_aggregates, refresh_planner_statistics
from echo.features.scanner.covers import MAX_COVER_PICTURES, CoverRequest, extract_covers
from echo.features.scanner.parse import ParseFailure, parse_all
from echo.features.scanner.purge import PurgePolicy, delete_tracks, purge
from echo.features.scanner.store import (
    CoverSources,
    KnownTrack,
    LibraryWriter,
    load_file_states,
    load_known_tracks,
    mark_missing,
)
from echo.features.scanner.walk import FileEntry, collect
from echo.features.tracks.models import Track

log = logging.getLogger(__name__)


# Unreadable files listed by a scan (all are counted, and kept in scan_errors).
MAX_ERROR_SAMPLES = 1000
# Stored batches are committed together, up to this many files or this long after the last
# commit: each SQLite commit rewrites the index pages the batch touched, so one commit per
# batch of 200 cost a quarter of SQLite's time, while a 0.5 s transaction keeps other
# writers (and pause/cancel requests) waiting no longer than that.
COMMIT_FILES = 2000
COMMIT_SECONDS = 0.5
# How often a scan looks for a pause or cancel request between batches.
REQUEST_POLL_SECONDS = 0.05
# During a scan, a full garbage collection waits for this many young ones (default: 10).
FULL_COLLECTIONS_DEFERRED = 1000
# The fewest albums per cover task.
COVER_TASK_ALBUMS = 25


class ScanCancelled(Exception):
    pass


@dataclass
class ScanProgress:
    scan_id: uuid.UUID
    status: str = "scanning"
    files_total: int = 0
    files_done: int = 0
    tracks_added: int = 0
    tracks_updated: int = 0
    tracks_moved: int = 0
    tracks_missing: int = 0
    tracks_deleted: int = 0
    tracks_unchanged: int = 0
    albums_added: int = 0
    artists_added: int = 0
    covers_extracted: int = 0
    errors: int = 0
    error_samples: list[tuple[str, str]] = field(default_factory=list)
    current_file: str | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def percent(self) -> int:
        if self.status == "completed":
            return 100
        return int(self.files_done * 100 / self.files_total) if self.files_total else 0

    @property
    def changed(self) -> bool:
        return bool(
            self.tracks_added
            or self.tracks_updated
            or self.tracks_moved
            or self.tracks_missing
            or self.tracks_deleted
        )


class PhaseTimer:
    """Seconds per phase, logged at the end of a scan to show where the time goes."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._phases: list[tuple[str, float]] = []

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        self._phases.append((phase, now - self._last))
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self._phases)


ProgressCallback = Callable[[ScanProgress], Awaitable[None]]


@dataclass(frozen=True)
class ScanRequest:
    scan_id: uuid.UUID
    roots: Sequence[str]
    # None: walk the roots; else only these files and folders (the watcher, `scan PATH`)
    paths: Sequence[str] | None
    # Parse every file again, even unchanged ones (`echo-music scan --full`)
    force: bool
    separators: tuple[str, ...]
    purge_policy: PurgePolicy
    covers_dir: Path
    # The previous scan stopped early: recount the figures even if nothing changed since.
    repair: bool = False


async def run_scan(
    sessions: async_sessionmaker[AsyncSession],
    pool: Executor,
    request: ScanRequest,
    report: ProgressCallback,
    pool_size: int,
) -> ScanProgress:
    # A full garbage collection walks every object of the process, the scan's growing lookups
    # included (~0.1 s each, several per 20,000 files), and finds next to nothing: during a
    # scan only the young generations are collected; the full collection comes after it, once
    # the scan's objects are gone.
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], FULL_COLLECTIONS_DEFERRED)
    try:
        return await _run_scan(sessions, pool, request, report, pool_size)
    finally:
        gc.set_threshold(*thresholds)


async def _run_scan(
    sessions: async_sessionmaker[AsyncSession],
    pool: Executor,
    request: ScanRequest,
    report: ProgressCallback,
    pool_size: int,
) -> ScanProgress:
    progress = ScanProgress(request.scan_id)
    await report(progress)
    scope = list(request.paths) if request.paths is not None else list(request.roots)
    phases = PhaseTimer()
    # The pool's processes take a few tenths of a second to start: let them while the walk runs.
    loop = asyncio.get_running_loop()
    started_workers = [loop.run_in_executor(pool, os.getpid) for _ in range(pool_size)]
    entries = await asyncio.to_thread(collect, scope)
    phases.done("walk")

    async with sessions() as session:
        states = await load_file_states(session)
        bad_files = await repository.known_errors(session)

    to_parse: list[FileEntry] = []
    reappeared_paths: list[str] = []
    seen: set[str] = set()
    for entry in entries:
        seen.add(entry.path)
        state = states.get(entry.path)
        if state is not None and state[:2] == (entry.size, entry.mtime_ns):
            if state[2]:
                reappeared_paths.append(entry.path)
            progress.tracks_unchanged += 1
            if not request.force:
                continue
            to_parse.append(entry)
        elif bad_files.get(entry.path) == (entry.size, entry.mtime_ns) and not request.force:
            progress.errors += 1  # still the same unreadable file: not parsed again
        else:
            to_parse.append(entry)
    prefixes = tuple(path.rstrip(os.sep) + os.sep for path in scope)
    scoped = set(scope)
    vanished_paths = [
        path
        for path, (_, _, missing) in states.items()
        if path not in seen and not missing and (path in scoped or path.startswith(prefixes))
    ]
    # Full rows only where they are needed: changed, vanished and reappeared files, and the
    # missing tracks a new file may turn out to be (a move).
    wanted = [e.path for e in to_parse if e.path in states] + vanished_paths + reappeared_paths
    known: dict[str, KnownTrack] = {}
    writer = LibraryWriter(request.separators)
    if wanted or to_parse:
        async with sessions() as session:
            known = await load_known_tracks(session, wanted, with_missing=bool(to_parse))
            if to_parse:
                await writer.load(session)
    reappeared = [known[path].id for path in reappeared_paths]
    parsed_paths = {entry.path for entry in to_parse}
    vanished = [known[path] for path in vanished_paths]
    # A missing track whose own path is parsed again is updated there, so it is no candidate:
    # each track is written at most once per scan.
    missing_elsewhere = [t for t in known.values() if t.missing and t.path not in parsed_paths]
    if to_parse and (vanished or missing_elsewhere):
        writer.offer_move_candidates([*vanished, *missing_elsewhere])

    progress.files_total = len(to_parse)
    progress.status = "scanning"
    await report(progress)
    await asyncio.gather(*started_workers)
    phases.done("compare")

    touched_albums: set[uuid.UUID] = set()
    async with sessions() as session:
        uncommitted = 0
        commit_due = time.monotonic() + COMMIT_SECONDS
        request_due = time.monotonic()  # the first batch looks for a request at once
        async for batch in parse_all(pool, to_parse, request.separators, window=pool_size * 2):
            parsed = [item for item in batch if not isinstance(item, ParseFailure)]
            failures = [item for item in batch if isinstance(item, ParseFailure)]
            existing = {tags.path: known[tags.path] for tags in parsed if tags.path in known}
            result = await writer.write(session, parsed, existing)
            touched_albums |= result.albums
            if failures:
                await repository.record_errors(
                    session,
                    [(f.entry.path, f.entry.size, f.entry.mtime_ns, f.error) for f in failures],
                    request.scan_id,
                )
            # Only files that were unreadable before can have an error to forget.
            readable_again = [tags.path for tags in parsed if tags.path in bad_files]
            if readable_again:
                await repository.forget_errors(session, readable_again)
            uncommitted += len(batch)
            action = None
            # Pause and cancel requests are looked for between batches, in a session of their
            # own: on SQLite the scan's transaction sees nothing committed after it began.
            if time.monotonic() >= request_due:
                async with sessions() as reader:
                    action = await repository.requested(reader, request.scan_id)
                request_due = time.monotonic() + REQUEST_POLL_SECONDS
            # A pause or cancel keeps what was stored so far, and no transaction may stay open
            # while the scan is paused.
            if action or uncommitted >= COMMIT_FILES or time.monotonic() >= commit_due:
                await repository.beat(session, request.scan_id, utcnow())
                await session.commit()
                uncommitted = 0
                commit_due = time.monotonic() + COMMIT_SECONDS
            progress.files_done += len(batch)
            progress.tracks_added += len(result.added)
            progress.tracks_updated += len(result.updated)
            progress.tracks_moved += len(result.moved)
            progress.albums_added += len(result.new_albums)
            progress.artists_added += result.new_artists
            progress.errors += len(failures)
            room = MAX_ERROR_SAMPLES - len(progress.error_samples)
            progress.error_samples.extend((f.entry.path, f.error) for f in failures[: max(room, 0)])
            progress.current_file = (
                batch[-1].entry.path if isinstance(batch[-1], ParseFailure) else batch[-1].path
            )
            await report(progress)
            await _obey(sessions, request.scan_id, action, progress, report)
        await session.commit()

    # Files that vanished and were not recognised at a new path.
    really_gone = [track.id for track in vanished if track.id not in writer.claimed]
    now = utcnow()
    phases.done("parse+store")
    progress.status = "aggregating"
    await report(progress)
    async with sessions() as session:
        if reappeared:
            await repository.clear_missing(session, reappeared)
            progress.tracks_updated += len(reappeared)
        if request.purge_policy.mode == "always":
            progress.tracks_deleted += await delete_tracks(session, really_gone)
        else:
            await mark_missing(session, really_gone, now)
            progress.tracks_missing += len(really_gone)
            progress.tracks_deleted += len(await purge(session, request.purge_policy, now))
        stale_errors = [p for p in bad_files if p not in seen and p.startswith(prefixes)]
        if stale_errors:
            await repository.forget_errors(session, stale_errors)
        if progress.changed or request.repair:
            await refresh_aggregates(session)
        await session.commit()
        if progress.changed:
            await refresh_planner_statistics(session)
            await session.commit()

    phases.done("purge+aggregate")
    progress.status = "extracting_covers"
    await report(progress)
    progress.covers_extracted = await _extract_covers(
        sessions,
        pool,
        request.covers_dir,
        None if request.force or request.repair else touched_albums,
        writer.new_album_sources,
        pool_size,
    )
    phases.done("covers")
    log.info("Scan %s: %d files read; %s", request.scan_id, progress.files_done, phases)
    return progress


async def _obey(
    sessions: async_sessionmaker[AsyncSession],
    scan_id: uuid.UUID,
    action: str | None,
    progress: ScanProgress,
    report: ProgressCallback,
) -> None:
    """Pause and cancel take effect between batches; a paused scan polls for resume."""
    while action in ("pause", "cancel"):
        if action == "cancel":
            raise ScanCancelled
        if progress.status != "paused":
            progress.status = "paused"
            await report(progress)
        await asyncio.sleep(0.5)
        async with sessions() as session:
            action = await repository.requested_action(session, scan_id, utcnow())
            await session.commit()
    if progress.status == "paused":
        progress.status = "scanning"
        await report(progress)


async def _extract_covers(
    sessions: async_sessionmaker[AsyncSession],
    pool: Executor,
    covers_dir: Path,
    albums: set[uuid.UUID] | None,
    new_albums: dict[uuid.UUID, CoverSources],
    pool_size: int,
) -> int:
    """Covers for albums that have none yet: those this scan touched, or all (`albums` None),
    a few albums per pool task. Where to look is known for the albums the scan created; the
    others' tracks are read back."""
    if albums is not None and not albums:
        return 0
    query = (
        select(Album.id, Track.path, Track.has_cover_art)
        .join(Track, Track.album_id == Album.id)
        .where(Album.cover_hash.is_(None))
        .order_by(Album.id, Track.disc_number, Track.track_number, Track.path)
    )
    rows: list[tuple[uuid.UUID, str, bool]] = []
    requests: list[CoverRequest] = []
    async with sessions() as session:
        if albums is None:
            rows.extend(await session.execute(query))
        else:
            # A new album may have been emptied again by the purge and aggregate phases.
            remaining = set(
                await session.scalars(
                    select(Album.id).where(Album.cover_hash.is_(None), Album.song_count > 0)
                )
            )
            requests = [
                sources.request(album)
                for album, sources in new_albums.items()
                if album in remaining and album in albums
            ]
            others = sorted(albums.difference(new_albums))
            for chunk in _chunks(others, 500):
                rows.extend(await session.execute(query.where(Album.id.in_(chunk))))
    requests += _cover_requests(rows)
    if not requests:
        return 0
    loop = asyncio.get_running_loop()
    # A few tasks per process: most albums cost a folder listing, a found image ~50 ms of
    # resizing, so small tasks would spend more on the round trips than on the work.
    size = max(COVER_TASK_ALBUMS, -(-len(requests) // (pool_size * 4)))
    futures = [
        loop.run_in_executor(pool, extract_covers, requests[i : i + size], str(covers_dir))
        for i in range(0, len(requests), size)
    ]
    found = 0
    for future in futures:
        results = await future
        for result in results:
            if result.error:
                log.warning("Cover of album %s: %s", result.album_id, result.error)
        covered = [
            {"id": uuid.UUID(r.album_id), "cover_hash": r.cover_hash, "cover_source": r.source}
            for r in results
            if r.cover_hash is not None
        ]
        if covered:
            async with sessions() as session:
                await session.execute(update(Album), covered)  # by primary key
                await session.commit()
            found += len(covered)
    return found


def _cover_requests(rows: Sequence[tuple[uuid.UUID, str, bool]]) -> list[CoverRequest]:
    folders: dict[uuid.UUID, dict[str, None]] = {}
    pictures: dict[uuid.UUID, list[str]] = {}
    for album_id, path, has_picture in rows:
        folders.setdefault(album_id, {})[os.path.dirname(path)] = None
        if has_picture and len(pictures.setdefault(album_id, [])) < MAX_COVER_PICTURES:
            pictures[album_id].append(path)
        pictures.setdefault(album_id, [])
    return [
        CoverRequest(str(album_id), tuple(folder_map), tuple(pictures[album_id]))
        for album_id, folder_map in folders.items()
    ]


def _chunks(items: list[uuid.UUID], size: int) -> list[list[uuid.UUID]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
