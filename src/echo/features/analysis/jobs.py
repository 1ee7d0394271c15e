"""Analysis queues: `lufs-analysis` and `dj-analysis`, one job per track."""

from __future__ import annotations

import uuid
from typing import Any

from echo.bootstrap import Services, dj_concurrency, lufs_concurrency
from echo.features.analysis import dj_service, service


def register_jobs(services: Services) -> None:
    async def measure_loudness(payload: dict[str, Any]) -> None:
        await service.analyse_track(services, uuid.UUID(payload["trackId"]))

    async def analyse_dj(payload: dict[str, Any]) -> None:
        await dj_service.analyse_track(services, uuid.UUID(payload["trackId"]))

    # Both queues share the analysis pool (as many processes as the larger of their two
    # concurrencies); each runs at most its own number of files at once. The pool enforces
    # the per-file timeout and marks the track failed itself; the queue's own timeout only
    # guards the database work and the wait for a free process.
    settings = services.settings
    services.jobs.register(
        service.LUFS_QUEUE,
        measure_loudness,
        concurrency=lufs_concurrency(settings),
        attempts=3,
        timeout_seconds=settings.lufs_timeout_seconds + 120,
    )
    services.jobs.register(
        dj_service.DJ_QUEUE,
        analyse_dj,
        concurrency=dj_concurrency(settings),
        attempts=3,
        backoff_seconds=5.0,
        timeout_seconds=settings.dj_timeout_seconds + settings.lufs_timeout_seconds + 120,
    )


async def queue_at_start(services: Services) -> None:
    """Work a previous process left (tracks without a result) is derived from the database."""
    await service.queue_pending(services)
    await dj_service.queue_at_start(services)
