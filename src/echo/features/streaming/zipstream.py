"""A ZIP archive written as it is sent: stored entries, nothing held in memory or on disk
beyond one chunk."""

from __future__ import annotations

import time
import zipfile
from collections.abc import AsyncIterator, Sequence

from echo.features.streaming.service import ArchiveEntry, open_file, read_file


class _Sink:
    """A write-only, unseekable target: zipfile then writes data descriptors after each entry
    instead of seeking back to patch the local headers."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


def _zip_time(mtime: float) -> tuple[int, int, int, int, int, int]:
    # ZIP timestamps start in 1980; older (or bogus) modification times are clamped.
    moment = time.localtime(max(mtime, 315_532_800 + 86_400))
    return (moment.tm_year, moment.tm_mon, moment.tm_mday, moment.tm_hour, moment.tm_min,
            moment.tm_sec)  # fmt: skip


async def zip_stream(entries: Sequence[ArchiveEntry]) -> AsyncIterator[bytes]:
    """The archive in chunks. An entry whose file vanished since it was listed is left out."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
    for entry in entries:
        fd = await open_file(entry.path)
        if fd is None:
            continue
        info = zipfile.ZipInfo(entry.name, date_time=_zip_time(entry.mtime))
        info.compress_type = zipfile.ZIP_STORED
        info.file_size = entry.size  # decides ZIP64 up front for files near 4 GiB
        with archive.open(info, "w") as target:
            async for chunk in read_file(entry.path, fd=fd):
                target.write(chunk)
                yield sink.take()
        yield sink.take()
    archive.close()
    yield sink.take()
