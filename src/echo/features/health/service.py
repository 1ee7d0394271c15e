"""Health of the database, the cache and the library volume, plus basic system figures."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from pathlib import Path

from sqlalchemy import text

from echo import __version__
from echo.bootstrap import Services
from echo.features.health.schemas import (
    Cpu,
    Health,
    HealthServices,
    Memory,
    Storage,
    SystemInfo,
)

log = logging.getLogger(__name__)
MB = 1024 * 1024


async def _database_ok(services: Services) -> bool:
    try:
        async with asyncio.timeout(3):
            async with services.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        return True
    except Exception as error:  # any failure at all means "down" for the health check
        log.warning("Database health check failed: %s", error)
        return False


def _memory() -> Memory:
    info: dict[str, int] = {}
    try:
        with Path("/proc/meminfo").open() as file:
            for line in file:
                key, _, value = line.partition(":")
                info[key] = int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    total = info.get("MemTotal") or os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    free = info.get("MemAvailable", info.get("MemFree", 0))
    used = total - free
    return Memory(
        total=total // MB,
        free=free // MB,
        used=used // MB,
        usage_percent=round(used * 100 / total, 1) if total else 0.0,
    )


def _storage(services: Services) -> Storage | None:
    folders = [*services.settings.library, services.settings.data_dir]
    path = next((folder for folder in folders if folder.exists()), None)
    if path is None:
        return None
    usage = shutil.disk_usage(path)
    percent = round(usage.used * 100 / usage.total, 1) if usage.total else 0.0
    state = "critical" if percent >= 95 else "warning" if percent >= 85 else "ok"
    return Storage(
        path=str(path),
        total_mb=usage.total // MB,
        free_mb=usage.free // MB,
        used_mb=usage.used // MB,
        usage_percent=percent,
        status=state,
    )


async def check(services: Services) -> Health:
    database_ok, cache_ok = await asyncio.gather(_database_ok(services), services.cache.healthy())
    storage = await asyncio.to_thread(_storage, services)
    storage_state = storage.status if storage else "warning"
    if not database_ok:
        overall = "error"
    elif not cache_ok or storage_state != "ok":
        overall = "degraded"
    else:
        overall = "ok"
    return Health(
        status=overall,
        timestamp=int(time.time() * 1000),
        uptime=int(time.time() - services.started_at),
        version=__version__,
        services=HealthServices(
            database="ok" if database_ok else "error",
            cache="ok" if cache_ok else "error",
            storage=storage_state,
        ),
        system=SystemInfo(
            memory=_memory(), cpu=Cpu(load_average=list(os.getloadavg())), storage=storage
        ),
        error="Database unavailable" if not database_ok else None,
    )
