"""Transcoding for the stream route: when to transcode, the per-user and per-process caps, the
transcoder process and its pipe, and the on-disk cache of finished transcodes (LRU by size)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import os
import signal
import socket
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from echo.bootstrap import Services
from echo.core.errors import InvalidInput, TooManyRequests, Unprocessable
from echo.features.streaming import transcoder
from echo.features.streaming.media import browser_can_play
from echo.features.streaming.service import MediaFile
from echo.features.streaming.transcoder import DATA, END, HEADER, OUTPUTS, TranscodeJob
from echo.features.streaming.zygote import PIPE_BYTES, zygote

log = logging.getLogger(__name__)

DEFAULT_BITRATES = {"opus": 128, "mp3": 192, "aac": 160}
# Suffixes whose codec is the one asked for, so the file can be sent as it is.
SAME_CODEC = {"opus": ("opus",), "mp3": ("mp3",), "aac": ("aac", "m4a", "mp4")}
LEASE_SECONDS = 30.0
RENEW_SECONDS = 10.0
RETRY_AFTER_SECONDS = 5
# A decoder silent this long is stuck on the file; the client is not kept waiting forever.
MESSAGE_TIMEOUT_SECONDS = 60.0
STALE_PARTIAL_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class TranscodePlan:
    fmt: str
    bitrate: int
    offset: float

    @property
    def mime(self) -> str:
        return OUTPUTS[self.fmt].mime


def plan_stream(
    media: MediaFile, fmt: str | None, bitrate: int | None, offset: float, default_fmt: str
) -> TranscodePlan | None:
    """None when the file is sent as it is: asked for ("raw"), playable by a browser and no
    format asked for, or already in the asked format at no more than the asked bit rate."""
    if fmt == "raw":
        return None
    if offset > 0 and media.duration and offset >= media.duration:
        raise InvalidInput(f"offset must be less than the duration ({media.duration:.1f} s)")
    if fmt is None:
        if offset == 0 and browser_can_play(media.suffix, media.bit_depth):
            return None
        fmt = default_fmt
    elif (
        offset == 0
        and media.suffix in SAME_CODEC[fmt]
        and not media.bit_depth  # an .m4a with a bit depth is ALAC, not AAC
        and (bitrate is None or (media.bit_rate is not None and media.bit_rate <= bitrate))
    ):
        return None
    return TranscodePlan(fmt, bitrate or DEFAULT_BITRATES[fmt], offset)


def _cache_dir(services: Services) -> Path:
    return services.settings.data_dir / "transcodes"


def _cache_file(services: Services, media: MediaFile, plan: TranscodePlan) -> Path | None:
    """Where the finished transcode is kept; None when nothing is cached (no cache, or a
    transcode from an offset, which would be reused rarely)."""
    if services.settings.transcode_cache_mb <= 0 or plan.offset > 0:
        return None
    identity = f"{media.path}\0{media.size}\0{media.mtime_ns}\0{plan.fmt}\0{plan.bitrate}"
    key = hashlib.sha256(identity.encode()).hexdigest()
    extension = OUTPUTS[plan.fmt].cached_extension
    return _cache_dir(services) / key[:2] / f"{key}.{extension}"


def _touch(path: Path) -> os.stat_result | None:
    """The cached file's stat after marking it used now (its mtime is the LRU clock)."""
    try:
        os.utime(path)
        return path.stat()
    except OSError:
        return None


async def cached_transcode(
    services: Services, media: MediaFile, plan: TranscodePlan
) -> MediaFile | None:
    path = _cache_file(services, media, plan)
    if path is None:
        return None
    info = await asyncio.to_thread(_touch, path)
    if info is None:
        return None
    name = f"{Path(media.download_name).stem}.{path.suffix[1:]}"
    return dataclasses.replace(
        media,
        path=path,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        suffix=path.suffix[1:],
        bit_depth=None,
        duration=media.duration,
        download_name=name,
        content_type=OUTPUTS[plan.fmt].cached_mime,
    )


def evict(root: Path, limit_bytes: int) -> int:
    """Deletes the least recently used transcodes until the cache fits; returns how many."""
    entries: list[tuple[float, int, str]] = []
    now = time.time()
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
                if name.endswith(".part"):  # being written, unless left by a crash long ago
                    if now - info.st_mtime > STALE_PARTIAL_SECONDS:
                        os.unlink(path)
                    continue
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, path))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, path in sorted(entries):
        if total <= limit_bytes:
            break
        with contextlib.suppress(OSError):
            os.unlink(path)
            removed += 1
        total -= size
    return removed


async def _acquire(services: Services, user_id: uuid.UUID) -> list[tuple[str, str]]:
    """Slots on the user's cap (shared by all processes) and this process's cap."""
    settings = services.settings
    wanted = [
        (f"transcode:user:{user_id}", settings.transcode_max_per_user, "You"),
        (
            f"transcode:process:{socket.gethostname()}:{os.getpid()}",
            settings.transcode_max_concurrent,
            "The server",
        ),
    ]
    held: list[tuple[str, str]] = []
    for key, limit, who in wanted:
        lease = await services.slots.acquire(key, limit, LEASE_SECONDS)
        if lease is None:
            for taken_key, taken in held:
                await services.slots.release(taken_key, taken)
            verb = "run" if who == "You" else "runs"
            noun = "transcode" if limit == 1 else "transcodes"
            raise TooManyRequests(
                f"{who} already {verb} {limit} {noun}; try again shortly", RETRY_AFTER_SECONDS
            )
        held.append((key, lease))
    return held


class Transcode:
    """One running transcode: its process, the read end of its pipe and its slots."""

    def __init__(
        self,
        services: Services,
        pidfd: int | None,
        reader: asyncio.StreamReader,
        transport: asyncio.ReadTransport,
        leases: list[tuple[str, str]],
        job: TranscodeJob,
    ) -> None:
        self._services = services
        self._pidfd = pidfd
        self._reader = reader
        self._transport = transport
        self._leases = leases
        self._job = job
        self._finished = False
        self._closed = False
        self._renewer = asyncio.create_task(self._renew())

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(RENEW_SECONDS)
            for key, lease in self._leases:
                await self._services.slots.renew(key, lease, LEASE_SECONDS)

    async def next_message(self) -> tuple[bytes, bytes]:
        async with asyncio.timeout(MESSAGE_TIMEOUT_SECONDS):
            try:
                kind, length = HEADER.unpack(await self._reader.readexactly(HEADER.size))
                return kind, await self._reader.readexactly(length)
            except asyncio.IncompleteReadError:
                return transcoder.ERROR, b"The transcoder stopped"

    async def chunks(self, first: bytes) -> AsyncIterator[bytes]:
        """The encoded bytes; the caller must `close()` afterwards, however it ends."""
        yield first
        while True:
            try:
                kind, payload = await self.next_message()
            except TimeoutError:
                kind, payload = transcoder.ERROR, b"the decoder stalled"
            if kind == DATA:
                yield payload
            elif kind == END:
                self._finished = True
                return
            else:  # the headers are sent: all a client can see is the stream ending early
                log.warning("Transcode of %s failed: %s", self._job.source, payload.decode())
                return

    async def close(self) -> None:
        """Idempotent: the process killed if still running, its slots released, and the cache
        trimmed after a transcode that completed."""
        if self._closed:
            return
        self._closed = True
        self._renewer.cancel()
        self._transport.close()
        if self._pidfd is not None:
            with contextlib.suppress(ProcessLookupError):  # it may have finished already
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            os.close(self._pidfd)
        for key, lease in self._leases:
            await self._services.slots.release(key, lease)
        partial = self._job.partial_path
        if partial is not None:
            with contextlib.suppress(FileNotFoundError):
                await asyncio.to_thread(os.unlink, partial)  # left only by a kill
        limit = self._services.settings.transcode_cache_mb * 1024 * 1024
        if self._finished and self._job.cache_path is not None:
            await asyncio.to_thread(evict, _cache_dir(self._services), limit)


def _prepare_cache(cache_file: Path) -> str:
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    return str(cache_file.with_name(f".{cache_file.name}.{uuid.uuid4().hex}.part"))


async def start_transcode(
    services: Services, user_id: uuid.UUID, media: MediaFile, plan: TranscodePlan
) -> tuple[Transcode, bytes]:
    """A running transcode and its first bytes, or the reason it cannot run: 429 past a cap,
    422 for a file that does not decode."""
    leases = await _acquire(services, user_id)
    try:
        cache_file = _cache_file(services, media, plan)
        partial = await asyncio.to_thread(_prepare_cache, cache_file) if cache_file else None
        job = TranscodeJob(
            source=str(media.path),
            fmt=plan.fmt,
            bitrate=plan.bitrate,
            offset=plan.offset,
            partial_path=partial,
            cache_path=str(cache_file) if cache_file else None,
        )
        pidfd, fd = await asyncio.to_thread(zygote.spawn, job)
    except BaseException:
        for key, lease in leases:
            await services.slots.release(key, lease)
        raise
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=PIPE_BYTES)
    transport, _ = await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    running = Transcode(services, pidfd, reader, transport, leases, job)
    try:
        kind, payload = await running.next_message()
    except TimeoutError:
        await running.close()
        raise Unprocessable("This file cannot be transcoded (the decoder stalled)") from None
    except BaseException:
        await running.close()
        raise
    if kind != DATA:
        await running.close()
        message = payload.decode(errors="replace") if kind != END else "no audio"
        raise Unprocessable(f"This file cannot be transcoded ({message})")
    return running, payload
