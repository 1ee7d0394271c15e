"""The job registry, and the `echo-music worker` process that consumes the Redis queues."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence

from echo.bootstrap import Services, build_services, close_services
from echo.features.analysis import jobs as analysis_jobs
from echo.features.play_tracking import jobs as play_tracking_jobs
from echo.features.scanner import jobs as scanner_jobs
from echo.features.scanner.service import fail_orphaned_scans
from echo.features.scanner.watcher import run_watcher
from echo.settings import Settings

log = logging.getLogger(__name__)

JobRegistrar = Callable[[Services], None]

# Each feature with jobs adds its `register_jobs(services)` here. `serve` registers the same
# list: to enqueue with the same options, and to run the jobs itself when there is no Redis.
JOB_REGISTRARS: list[JobRegistrar] = [
    scanner_jobs.register_jobs,
    analysis_jobs.register_jobs,
    play_tracking_jobs.register_jobs,
]


def register_jobs(services: Services, registrars: Sequence[JobRegistrar] | None = None) -> None:
    for register in JOB_REGISTRARS if registrars is None else registrars:
        register(services)


async def run_worker(settings: Settings, registrars: Sequence[JobRegistrar] | None = None) -> None:
    """Consumes every registered queue until SIGTERM or SIGINT; running jobs go back to the
    queue for the next worker."""
    if not settings.redis_url:
        raise ValueError("A worker needs Redis (ECHO_REDIS_URL)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    services = await build_services(settings)
    try:
        register_jobs(services, registrars)
        await fail_orphaned_scans(services)
        await services.jobs.start_consumers()
        await analysis_jobs.queue_at_start(services)
        log.info("Worker started")
        async with run_watcher(services), play_tracking_jobs.daily_retention(services):
            await stop.wait()
        log.info("Worker stopping")
    finally:
        await close_services(services)
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
