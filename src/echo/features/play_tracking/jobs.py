"""The `play-history-retention` job, and the daily schedule that queues it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from echo.bootstrap import Services
from echo.features.play_tracking import service

log = logging.getLogger(__name__)

RETENTION_QUEUE = "play-history-retention"
RETENTION_EVERY_SECONDS = 24 * 3600.0


def register_jobs(services: Services) -> None:
    async def trim(_payload: dict[str, Any]) -> None:
        await service.trim_play_history(services)

    services.jobs.register(RETENTION_QUEUE, trim, attempts=3, timeout_seconds=3600)


@contextlib.asynccontextmanager
async def daily_retention(
    services: Services, every_seconds: float = RETENTION_EVERY_SECONDS
) -> AsyncIterator[None]:
    """Queues the retention job now and then every day while the block runs. Run by the
    process that consumes the queues (serve without Redis, else each worker); the job is
    idempotent, so two workers queueing it on the same day cost one extra DELETE."""

    async def schedule() -> None:
        while True:
            try:
                # One key per day: a job still waiting is not queued twice.
                key = f"{RETENTION_QUEUE}:{date.today().isoformat()}"
                await services.jobs.enqueue(RETENTION_QUEUE, {}, key=key)
            except Exception as error:  # Redis down: try again at the next tick
                log.warning("Cannot queue the play history retention job: %s", error)
            await asyncio.sleep(every_seconds)

    task = asyncio.create_task(schedule())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
