"""`echo-music worker` plus one test-only job that emits what its payload says (e2e tests)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from echo.bootstrap import Services
from echo.settings import Settings
from echo.worker import JOB_REGISTRARS, run_worker

QUEUE = "e2e-broadcast"


def register_broadcast(services: Services) -> None:
    async def broadcast(payload: dict[str, Any]) -> None:
        await services.broadcaster.emit(
            payload["event"],
            payload["data"],
            namespace=payload["namespace"],
            room=payload.get("room"),
            retain=payload.get("retain", False),
        )

    services.jobs.register(QUEUE, broadcast)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(run_worker(Settings(), [*JOB_REGISTRARS, register_broadcast]))
