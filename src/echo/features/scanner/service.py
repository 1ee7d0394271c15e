"""Scanner use cases: start a scan, run it, report on it, and manage missing files."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import Conflict, InvalidInput, NotFound
from echo.features.scanner import repository
from echo.features.scanner.aggregate import refresh_aggregates
from echo.features.scanner.models import LibraryScan
from echo.features.scanner.pipeline import (
    ProgressCallback,
    ScanCancelled,
    ScanProgress,
    ScanRequest,
    run_scan,
)
from echo.features.scanner.purge import PURGE_SETTING, PurgePolicy, delete_tracks, purge
from echo.features.scanner.schemas import (
    MissingFiles,
    MissingTrack,
    PurgeResult,
    ScanView,
)
from echo.features.system_settings import repository as settings_repository
from echo.features.tracks.models import Track

log = logging.getLogger(__name__)

LIBRARY_PATH_SETTING = "library.music.path"
FULL_SCAN_QUEUE = "library-scan"
INCREMENTAL_QUEUE = "scanner"
# An active scan whose process stopped beating for this long was orphaned by a crash.
ORPHAN_AFTER = timedelta(minutes=2)
# Cache prefixes of everything a scan can change; "play-tracking" holds each user's
# play-ranked lists of albums (albums/cache.py).
LIBRARY_CACHE_PREFIXES = (
    "album",
    "artist",
    "track",
    "genre",
    "search",
    "library",
    "play-tracking",
)


async def library_roots(services: Services) -> list[str]:
    """ECHO_LIBRARY folders plus the folder chosen in the setup wizard or admin panel."""
    roots = [str(path) for path in services.settings.library]
    async with services.sessions() as session:
        chosen = await settings_repository.get_value(session, LIBRARY_PATH_SETTING)
    if chosen and chosen not in roots:
        roots.append(chosen)
    return roots


async def purge_policy(services: Services) -> PurgePolicy:
    async with services.sessions() as session:
        return PurgePolicy.parse(await settings_repository.get_value(session, PURGE_SETTING))


async def set_purge_policy(services: Services, value: str) -> PurgePolicy:
    policy = PurgePolicy.parse(value)
    async with services.sessions() as session:
        await settings_repository.put_value(session, PURGE_SETTING, str(policy))
        await session.commit()
    return policy


async def start_scan(services: Services, kind: str = "full") -> LibraryScan:
    """A pending scan row; Conflict while another scan is active anywhere."""
    now = utcnow()
    async with services.sessions() as session:
        active = await repository.active_scan(session)
        if active is not None:
            if not _is_orphaned(active, now):
                raise Conflict("A scan is already running", code="SCAN_ALREADY_RUNNING")
            _finish(active, "failed", "Interrupted: the scanning process stopped")
            await session.flush()
        scan = LibraryScan(
            kind=kind, status="pending", active=True, started_at=now, heartbeat_at=now
        )
        session.add(scan)
        try:
            await session.commit()
        except IntegrityError as error:  # another process started one at the same moment
            raise Conflict("A scan is already running", code="SCAN_ALREADY_RUNNING") from error
        return scan


def _process_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_orphaned(scan: LibraryScan, now: datetime) -> bool:
    """A scan whose process is gone: dead on this host, or silent for ORPHAN_AFTER."""
    if scan.owner:
        host, _, pid = scan.owner.rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
            return True
    return now - (scan.heartbeat_at or scan.started_at) >= ORPHAN_AFTER


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _finish(scan: LibraryScan, status: str, message: str | None = None) -> None:
    scan.status = status
    scan.active = None
    scan.requested = None
    scan.finished_at = utcnow()
    scan.error_message = message


async def _ignore_progress(_: ScanProgress) -> None:
    return None


async def run(
    services: Services,
    scan_id: uuid.UUID,
    paths: list[str] | None = None,
    report: ProgressCallback | None = None,
    force: bool = False,
) -> ScanProgress:
    """Runs a started scan to its end and records the outcome; never leaves it active."""
    async with services.sessions() as session:
        scan = await repository.get_scan(session, scan_id)
        if scan is None or scan.active is not True:
            raise NotFound("No such active scan")
        scan.status = "running"
        scan.owner = _process_owner()
        scan.heartbeat_at = utcnow()
        repair = await repository.interrupted_before(session, scan_id)
        await session.commit()
    request = ScanRequest(
        scan_id=scan_id,
        roots=await library_roots(services),
        paths=paths,
        force=force,
        separators=tuple(services.settings.artist_separators),
        purge_policy=await purge_policy(services),
        covers_dir=services.settings.data_dir / "covers",
        repair=repair,
    )
    status, message = "completed", None
    progress: ScanProgress | None = None
    try:
        progress = await run_scan(
            services.sessions,
            services.cpu_pool,
            request,
            report or _ignore_progress,
            pool_size=services.settings.scan_workers or os.cpu_count() or 1,
        )
    except ScanCancelled:
        status, message = "cancelled", "Cancelled by an administrator"
    except BaseException as error:
        status, message = "failed", f"{type(error).__name__}: {error}"
        log.exception("Scan %s failed", scan_id)
        raise
    finally:
        await _record_outcome(services, scan_id, status, message, progress)
        await invalidate_library_cache(services)
    return progress if progress is not None else ScanProgress(scan_id, status=status)


async def _record_outcome(
    services: Services,
    scan_id: uuid.UUID,
    status: str,
    message: str | None,
    progress: ScanProgress | None,
) -> None:
    async with services.sessions() as session:
        scan = await repository.get_scan(session, scan_id)
        if scan is None:
            return
        _finish(scan, status, message)
        if progress is not None:
            progress.status = status
            scan.files_scanned = progress.files_done
            scan.tracks_added = progress.tracks_added
            scan.tracks_updated = progress.tracks_updated + progress.tracks_moved
            scan.tracks_deleted = progress.tracks_deleted
            scan.tracks_missing = progress.tracks_missing
            scan.errors = progress.errors
        await session.commit()


async def invalidate_library_cache(services: Services) -> None:
    for prefix in LIBRARY_CACHE_PREFIXES:
        await services.cache.delete_prefix(prefix)


async def request_action(services: Services, scan_id: uuid.UUID, action: str) -> None:
    """pause / resume / cancel, honoured by whichever process runs the scan."""
    if action not in ("pause", "resume", "cancel"):
        raise InvalidInput("Unknown scan action")
    async with services.sessions() as session:
        scan = await repository.get_scan(session, scan_id)
        if scan is None or scan.active is not True:
            raise NotFound("No such active scan")
        scan.requested = None if action == "resume" else action
        await session.commit()


async def fail_orphaned_scans(services: Services, everything: bool = False) -> None:
    """At start-up: scans whose process died keep no lock, so the next scan can run.
    `everything`: this is the only process that scans (embedded mode), so any active scan
    was interrupted; otherwise only scans whose heartbeat stopped."""
    cutoff = utcnow() - (timedelta(0) if everything else ORPHAN_AFTER)
    async with services.sessions() as session:
        await session.execute(
            update(LibraryScan)
            .where(LibraryScan.active.is_(True), LibraryScan.heartbeat_at <= cutoff)
            .values(
                status="failed",
                active=None,
                finished_at=utcnow(),
                error_message="Interrupted: the scanning process stopped",
            )
        )
        await session.commit()


async def list_scans(services: Services, page: int, limit: int) -> tuple[list[ScanView], int]:
    async with services.sessions() as session:
        rows, total = await repository.list_scans(session, (page - 1) * limit, limit)
        return [ScanView.from_scan(row) for row in rows], total


async def get_scan(services: Services, scan_id: uuid.UUID) -> ScanView:
    async with services.sessions() as session:
        scan = await repository.get_scan(session, scan_id)
        if scan is None:
            raise NotFound("Scan not found")
        return ScanView.from_scan(scan)


async def missing_files(services: Services) -> MissingFiles:
    policy = await purge_policy(services)
    async with services.sessions() as session:
        tracks = await repository.missing_tracks(session)
    return MissingFiles(
        tracks=[MissingTrack.model_validate(track) for track in tracks],
        count=len(tracks),
        purge_mode=str(policy),
    )


async def purge_missing(services: Services) -> PurgeResult:
    policy = await purge_policy(services)
    async with services.sessions() as session:
        deleted = await purge(session, policy, utcnow())
        if deleted:
            await refresh_aggregates(session)
        await session.commit()
    await invalidate_library_cache(services)
    return PurgeResult(
        success=True,
        deleted=len(deleted),
        message=f"Deleted {len(deleted)} missing tracks (policy: {policy})",
    )


async def delete_missing_track(services: Services, track_id: uuid.UUID) -> None:
    async with services.sessions() as session:
        track = await session.get(Track, track_id)
        if track is None or track.missing_at is None:
            raise NotFound("No missing track with this id")
        await delete_tracks(session, [track_id])
        await refresh_aggregates(session)
        await session.commit()
    await invalidate_library_cache(services)


async def queue_scan(
    services: Services, paths: list[str] | None = None, force: bool = False
) -> uuid.UUID:
    """Creates the scan (Conflict while one is active) and queues it; `paths` limits it to
    those folders."""
    scan = await start_scan(services, "full" if paths is None else "incremental")
    payload = {"scanId": str(scan.id), "paths": paths, "force": force}
    await services.jobs.enqueue(FULL_SCAN_QUEUE, payload, key=str(scan.id))
    return scan.id


async def queue_incremental(services: Services, paths: list[str]) -> None:
    await services.jobs.enqueue(INCREMENTAL_QUEUE, {"paths": sorted(paths)})
