"""Phase 3: read tags of new or changed files in a process pool, a batch per task."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from echo.features.scanner.tags import TagError, TrackTags, read_tags
from echo.features.scanner.walk import FileEntry

BATCH_SIZE = 200


@dataclass(frozen=True, slots=True)
class ParseFailure:
    entry: FileEntry
    error: str


def parse_batch(
    entries: Sequence[FileEntry], separators: tuple[str, ...]
) -> list[TrackTags | ParseFailure]:
    """Runs in a pool process. A bad file becomes a ParseFailure; the batch goes on."""
    results: list[TrackTags | ParseFailure] = []
    for entry in entries:
        try:
            results.append(read_tags(entry.path, separators))
        except TagError as error:
            results.append(ParseFailure(entry, str(error)))
        except Exception as error:  # a parser bug must not cost the other files of the batch
            results.append(ParseFailure(entry, f"{type(error).__name__}: {error}"))
    return results


async def parse_all(
    pool: Executor,
    entries: Sequence[FileEntry],
    separators: tuple[str, ...],
    window: int,
    batch_size: int = BATCH_SIZE,
) -> AsyncIterator[list[TrackTags | ParseFailure]]:
    """Batches in order, with up to `window` batches parsing while the caller stores earlier ones."""
    loop = asyncio.get_running_loop()
    batches = [entries[i : i + batch_size] for i in range(0, len(entries), batch_size)]
    pending: list[asyncio.Future[list[TrackTags | ParseFailure]]] = []
    next_batch = 0
    try:
        while next_batch < len(batches) or pending:
            while next_batch < len(batches) and len(pending) < window:
                pending.append(
                    loop.run_in_executor(pool, parse_batch, batches[next_batch], separators)
                )
                next_batch += 1
            yield await pending.pop(0)
    finally:
        for future in pending:
            future.cancel()
