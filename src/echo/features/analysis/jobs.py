"""Analysis queues: `lufs-analysis`, one job per track (`dj-analysis` joins here)."""

from __future__ import annotations

import uuid
from typing import Any

from echo.bootstrap import Services
from echo.features.analysis import service


def register_jobs(services: Services) -> None:
    async def measure_loudness(payload: dict[str, Any]) -> None:
        await service.analyse_track(services, uuid.UUID(payload["trackId"]))

    # As many consumers as analysis processes. The pool enforces the per-file timeout and
    # marks the track failed itself; the queue's own timeout only guards the database work.
    services.jobs.register(
        service.LUFS_QUEUE,
        measure_loudness,
        concurrency=services.analysis_pool.workers,
        attempts=3,
        timeout_seconds=services.settings.lufs_timeout_seconds + 120,
    )


async def queue_at_start(services: Services) -> None:
    """Work a previous process left (tracks without a result) is derived from the database."""
    await service.queue_pending(services)
