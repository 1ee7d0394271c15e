"""The file watcher: changes in the library folders become debounced incremental scans."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from watchfiles import Change, awatch

from echo.bootstrap import Services
from echo.core.paths import AUDIO_EXTENSIONS
from echo.features.scanner import service

log = logging.getLogger(__name__)

# Changes are gathered until the folder has been quiet this long: copying an album is one scan.
DEBOUNCE_MS = 2000


def relevant_paths(changes: Iterable[tuple[Change, str]]) -> list[str]:
    """Audio files, and deleted paths without an extension (they may have been folders)."""
    paths = set()
    for change, path in changes:
        name = os.path.basename(path)
        if name.startswith(".") or any(part.startswith(".") for part in Path(path).parts[1:-1]):
            continue
        extension = os.path.splitext(name)[1].lower()
        if extension in AUDIO_EXTENSIONS or (change == Change.deleted and not extension):
            paths.add(path)
        elif change == Change.added and os.path.isdir(path):
            paths.add(path)  # a folder moved in at once
    return sorted(paths)


def _existing_folders(paths: list[str]) -> list[str]:
    return [path for path in paths if os.path.isdir(path)]


async def watch_library(services: Services, stop: asyncio.Event) -> None:
    """Runs until `stop` is set; roots that do not exist are skipped."""
    roots = _existing_folders(await service.library_roots(services))
    if not roots:
        log.info("File watcher: no library folder to watch")
        return
    log.info("Watching %s", ", ".join(roots))
    async for changes in awatch(*roots, debounce=DEBOUNCE_MS, stop_event=stop, recursive=True):
        paths = relevant_paths(changes)
        if paths:
            log.info("Library changed: %d paths, scanning them", len(paths))
            await service.queue_incremental(services, paths)


@asynccontextmanager
async def run_watcher(services: Services) -> AsyncIterator[None]:
    """The watcher as a background task for the block's duration, if ECHO_WATCH_LIBRARY is on."""
    if not services.settings.watch_library:
        yield
        return
    stop = asyncio.Event()
    task = asyncio.create_task(watch_library(services, stop), name="library-watcher")
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
