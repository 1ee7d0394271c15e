"""Streamed file reads: from the page cache on the event loop, else in a thread; same bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from echo.features.streaming import service
from echo.features.streaming.service import CHUNK_SIZE, read_file


@pytest.fixture
def data_file(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(CHUNK_SIZE * 3 + 12_345)
    path = tmp_path / "song.flac"
    path.write_bytes(data)
    return path, data


async def _read(path: Path, start: int = 0, length: int | None = None) -> bytes:
    return b"".join([bytes(chunk) async for chunk in read_file(path, start, length)])


@pytest.mark.parametrize(
    ("start", "length"), [(0, None), (0, 1), (CHUNK_SIZE - 3, 10), (1000, CHUNK_SIZE * 2 + 7)]
)
async def test_cached_and_uncached_reads_give_the_same_bytes(
    data_file: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch, start: int, length: int | None
) -> None:
    path, data = data_file
    expected = data[start : None if length is None else start + length]
    reads: list[str] = []
    cached = service._read_cached

    def counting(fd: int, size: int, position: int) -> memoryview | None:
        found = cached(fd, size, position)
        reads.append("cache" if found is not None else "disk")
        return found

    monkeypatch.setattr(service, "_read_cached", counting)
    assert await _read(path, start, length) == expected
    # Just written, the file is in the page cache: no chunk needed a thread.
    assert reads and set(reads) == ({"cache"} if service.NO_WAIT is not None else {"disk"})

    reads.clear()
    monkeypatch.setattr(service, "NO_WAIT", None)  # as on a system without RWF_NOWAIT
    assert await _read(path, start, length) == expected
    assert reads and set(reads) == {"disk"}


async def test_a_chunk_the_cache_does_not_hold_is_read_in_a_thread(
    data_file: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, data = data_file

    def not_cached(fd: int, buffers: list[bytearray], position: int, flags: int) -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    if service.NO_WAIT is not None:
        monkeypatch.setattr(os, "preadv", not_cached)
    assert await _read(path) == data
