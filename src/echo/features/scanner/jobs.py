"""Scan jobs: `library-scan` (full) and `scanner` (incremental, from the watcher), reporting live."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import replace
from typing import Any

from echo.bootstrap import Services
from echo.core.errors import Conflict
from echo.core.realtime import ProgressThrottle
from echo.features.analysis import dj_service
from echo.features.analysis import service as analysis_service
from echo.features.scanner import service
from echo.features.scanner.events import NAMESPACE, completed_event, progress_event, timestamp
from echo.features.scanner.pipeline import ScanProgress

log = logging.getLogger(__name__)

# An incremental scan waits for a running full scan rather than racing it.
LOCK_POLL_SECONDS = 2.0
LOCK_WAIT_SECONDS = 6 * 3600.0


def register_jobs(services: Services) -> None:
    async def full_scan(payload: dict[str, Any]) -> None:
        await run_reported(
            services, uuid.UUID(payload["scanId"]), payload.get("paths"), bool(payload.get("force"))
        )

    async def incremental_scan(payload: dict[str, Any]) -> None:
        paths = [str(path) for path in payload["paths"]]
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                scan = await service.start_scan(services, "incremental")
                break
            except Conflict:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(LOCK_POLL_SECONDS)
        await run_reported(services, scan.id, paths)

    # A failed full scan is recorded as failed, not retried: upserts are idempotent, so the
    # next scan repairs whatever it left. Watcher batches are retried.
    services.jobs.register(
        service.FULL_SCAN_QUEUE, full_scan, attempts=1, timeout_seconds=24 * 3600
    )
    services.jobs.register(
        service.INCREMENTAL_QUEUE, incremental_scan, attempts=3, timeout_seconds=3600
    )


async def run_reported(
    services: Services, scan_id: uuid.UUID, paths: list[str] | None = None, force: bool = False
) -> ScanProgress:
    """Runs a scan, sending scan:progress (throttled), scan:error per unreadable file and
    scan:completed, or scan:error for the scan itself when it fails."""
    broadcaster = services.broadcaster
    errors_sent = 0

    async def send(progress: ScanProgress) -> None:
        await broadcaster.emit("scan:progress", progress_event(progress), namespace=NAMESPACE)

    async with ProgressThrottle(send) as throttle:

        async def report(progress: ScanProgress) -> None:
            nonlocal errors_sent
            for path, error in progress.error_samples[errors_sent:]:
                await broadcaster.emit(
                    "scan:error",
                    {
                        "scanId": str(scan_id),
                        "file": path,
                        "error": error,
                        "timestamp": timestamp(),
                    },
                    namespace=NAMESPACE,
                )
            errors_sent = len(progress.error_samples)
            # A snapshot: the pipeline keeps mutating its progress object.
            await throttle.update(replace(progress))

        try:
            result = await service.run(services, scan_id, paths, report, force=force)
        except Exception as error:
            await broadcaster.emit(
                "scan:error",
                {
                    "scanId": str(scan_id),
                    "file": None,
                    "error": str(error),
                    "timestamp": timestamp(),
                },
                namespace=NAMESPACE,
            )
            raise
        await throttle.update(result)
    await broadcaster.emit("scan:completed", completed_event(result), namespace=NAMESPACE)
    if result.changed:
        await broadcaster.emit(
            "library:change",
            {"type": "scan_completed", "scanId": str(scan_id), "timestamp": timestamp()},
            namespace=NAMESPACE,
        )
    if result.status == "completed":
        await _after_scan(services)
    return result


async def _after_scan(services: Services) -> None:
    # Post-scan tasks must not turn a completed scan into a failed (and retried) job.
    try:
        await analysis_service.queue_after_scan(services)
    except Exception:
        log.exception("Could not queue loudness analysis after the scan")
    try:
        await dj_service.queue_after_scan(services)
    except Exception:
        log.exception("Could not queue DJ analysis after the scan")
