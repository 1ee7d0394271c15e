"""The process pool for CPU-heavy work (tag parsing, images, audio), away from the event loop."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor


def create_process_pool(workers: int | None, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """Workers start lazily, forked from a clean forkserver rather than from the running server
    (whose event loop, sockets and threads must not leak into children)."""
    context = multiprocessing.get_context("forkserver")
    # Modules every task needs, imported once in the forkserver instead of in each worker.
    context.set_forkserver_preload(list(preload))
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=context)
