"""The process pool for CPU-heavy work (tag parsing, images, audio), away from the event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")


def create_process_pool(workers: int | None, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """Workers start lazily, forked from a clean forkserver rather than from the running server
    (whose event loop, sockets and threads must not leak into children)."""
    context = multiprocessing.get_context("forkserver")
    # Modules every task needs, imported once in the forkserver instead of in each worker.
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(
        max_workers=workers or os.cpu_count() or 1,
        mp_context=context,
        initializer=_lower_priority,
    )


# Workers yield the CPU to the server process: on a machine with as many workers as cores, the
# event loop (requests, and a scan's storing of what the workers parsed) would otherwise get
# only a share of a core while it has work; the workers still take every idle moment.
WORKER_NICENESS = 10


def _lower_priority() -> None:
    os.nice(WORKER_NICENESS)


class TaskTimedOut(Exception):
    """The task ran past its time limit; its process was killed."""


class TaskCrashed(Exception):
    """The process running the task died (a native library crashed, or it ran out of memory)."""


class IsolatedPool:
    """Processes for work on untrusted input (decoding any file a user drops in the library).

    Each slot is a one-process executor, so a task that hangs or crashes takes down only its
    own process; that one is killed and replaced while the other slots keep working.
    """

    def __init__(self, workers: int) -> None:
        # The forkserver is shared with create_process_pool, which sets what it preloads.
        self._context = multiprocessing.get_context("forkserver")
        self._idle = [self._new() for _ in range(max(1, workers))]
        self._available = asyncio.Semaphore(len(self._idle))
        self._busy: set[ProcessPoolExecutor] = set()

    @property
    def workers(self) -> int:
        return len(self._idle) + len(self._busy)

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=self._context)

    async def run(self, limit_seconds: float, fn: Callable[..., T], *args: Any) -> T:
        async with self._available:
            slot = self._idle.pop()
            self._busy.add(slot)
            healthy = False
            try:
                future = slot.submit(fn, *args)
                try:
                    async with asyncio.timeout(limit_seconds):
                        result = await asyncio.wrap_future(future)
                except TimeoutError:
                    raise TaskTimedOut(f"no result after {limit_seconds:g} s") from None
                except BrokenProcessPool:
                    raise TaskCrashed("the process died while working on it") from None
                except Exception:
                    healthy = True  # the task raised; its process is fine
                    raise
                healthy = True
                return result
            finally:
                # Cancelled or failed, the process may still be busy with the task: replace it.
                self._busy.discard(slot)
                if not healthy:
                    _kill(slot)
                    slot = self._new()
                self._idle.append(slot)

    def close(self) -> None:
        for slot in [*self._idle, *self._busy]:
            _kill(slot)
        self._idle.clear()
        self._busy.clear()


def _kill(executor: ProcessPoolExecutor) -> None:
    processes: dict[int, Any] = getattr(executor, "_processes", None) or {}
    for process in list(processes.values()):
        process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
