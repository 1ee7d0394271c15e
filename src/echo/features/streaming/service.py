"""Streaming use cases: stream tokens, locating a track's file safely, album archives, lyrics."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import secrets
import stat
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import Forbidden, InvalidInput, NotFound, Unauthorized
from echo.core.paths import resolve_within
from echo.features.images.service import original_cover
from echo.features.streaming import repository
from echo.features.streaming.media import mime_type, safe_name
from echo.features.streaming.models import StreamToken
from echo.features.streaming.schemas import LyricLine, Lyrics, StreamTokenResponse
from echo.features.tracks.models import Track

log = logging.getLogger(__name__)

TOKEN_LIFETIME = timedelta(hours=24)
# Long enough to spare the database on every Range request of a playing track, short enough
# that a deactivated user stops streaming soon after.
TOKEN_CACHE_SECONDS = 60
# Each chunk is a thread hop and a send on the event loop: with 200 listeners starting at
# once, 64 KiB chunks queued new listeners behind the others' reads (first byte p99 ~0.7 s,
# 128 KiB ~0.2 s); 256 KiB held ~100 MB more in flight (RSS past 250 MB).
CHUNK_SIZE = 128 * 1024
# Linux: read only what the page cache holds (preadv2 RWF_NOWAIT, kernel 4.14+).
NO_WAIT: int | None = getattr(os, "RWF_NOWAIT", None)


@dataclass(frozen=True, slots=True)
class StreamUser:
    id: uuid.UUID
    username: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _cache_key(token_hash: str) -> str:
    return f"stream-token:{token_hash}"


async def issue_stream_token(services: Services, user_id: uuid.UUID) -> StreamTokenResponse:
    """A fresh token; the user's previous one stops working (one token per user)."""
    token = secrets.token_hex(32)
    expires_at = utcnow() + TOKEN_LIFETIME
    for attempt in range(3):
        async with services.sessions() as session:
            old = await repository.delete_user_tokens(session, user_id)
            repository.add_token(
                session,
                StreamToken(user_id=user_id, token_hash=_hash(token), expires_at=expires_at),
            )
            try:
                await session.commit()
            except IntegrityError:  # a concurrent request of the same user inserted first
                if attempt == 2:
                    raise
                continue
        await services.cache.delete(*(_cache_key(value) for value in old))
        break
    return StreamTokenResponse(token=token, expires_at=expires_at)


async def revoke_stream_token(services: Services, user_id: uuid.UUID) -> None:
    async with services.sessions() as session:
        old = await repository.delete_user_tokens(session, user_id)
        await session.commit()
    await services.cache.delete(*(_cache_key(value) for value in old))


async def user_for_stream_token(services: Services, token: str) -> StreamUser:
    """The active user a stream token belongs to; Unauthorized when unknown or expired."""
    if len(token) != 64:
        raise Unauthorized("Invalid stream token")
    token_hash = _hash(token)
    now = utcnow()
    cached = await services.cache.get(_cache_key(token_hash))
    if cached is not None and datetime.fromisoformat(cached["expiresAt"]) > now:
        return StreamUser(uuid.UUID(cached["userId"]), cached["username"])
    async with services.sessions() as session:
        found = await repository.token_with_user(session, token_hash)
        if found is None:
            raise Unauthorized("Invalid stream token")
        stored, user = found
        if stored.expires_at <= now:
            raise Unauthorized("Stream token expired")
        if not user.is_active:
            raise Unauthorized("User is not active")
        # Written once per cache period, not on every Range request.
        stored.last_used_at = now
        await session.commit()
        expires_at = stored.expires_at
    ttl = min(TOKEN_CACHE_SECONDS, int((expires_at - now).total_seconds()))
    if ttl > 0:
        value = {"userId": str(user.id), "username": user.username}
        await services.cache.set(
            _cache_key(token_hash), {**value, "expiresAt": expires_at.isoformat()}, ttl
        )
    return StreamUser(user.id, user.username)


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A track's file, resolved and checked against the allowed roots."""

    track_id: uuid.UUID
    path: Path
    size: int
    mtime_ns: int
    suffix: str
    bit_depth: int | None
    duration: float
    download_name: str
    bit_rate: int | None = None  # kbit/s, as the scanner read it
    content_type: str | None = None  # when the suffix does not say it (cached transcodes)

    @property
    def mime(self) -> str:
        return self.content_type or mime_type(self.suffix)

    @property
    def etag(self) -> str:
        return f'"{self.size:x}-{self.mtime_ns:x}"'


def allowed_roots(services: Services, library_path: str | None) -> list[Path]:
    """Where served files may live: the library folders (ECHO_LIBRARY and the folder chosen
    in the setup wizard, as the scanner reads them) and the data folder."""
    roots = [*services.settings.library, services.settings.data_dir]
    if library_path:
        roots.append(Path(library_path))
    return roots


def _locate(raw: str, roots: list[Path]) -> tuple[Path, os.stat_result]:
    try:
        path = resolve_within(raw, roots)
    except InvalidInput as error:  # relative path or a symlink loop: nothing servable
        raise Forbidden("The file is not in an allowed folder") from error
    try:
        info = path.stat()
    except OSError as error:
        raise NotFound("The file of this track is missing") from error
    if not stat.S_ISREG(info.st_mode):
        raise NotFound("The file of this track is missing")
    return path, info


async def locate_track_file(services: Services, track_id: uuid.UUID) -> MediaFile:
    """Resolved on every request (symlinks included): outside the roots is Forbidden."""
    async with services.sessions() as session:
        track = await repository.track_file(session, track_id)
    if track is None:
        raise NotFound("Track not found")
    roots = allowed_roots(services, track.library_path)
    path, info = await asyncio.to_thread(_locate, track.path, roots)
    return MediaFile(
        track_id=track.id,
        path=path,
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        suffix=track.suffix.lower(),
        bit_depth=track.bit_depth,
        duration=track.duration,
        download_name=Path(track.path).name,
        bit_rate=track.bit_rate,
    )


def _open(path: Path) -> int:
    # The path was resolved just before: a symlink appearing in its place since is refused.
    return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)


async def read_file(
    path: Path, start: int = 0, length: int | None = None, fd: int | None = None
) -> AsyncIterator[bytes | memoryview]:
    """The bytes of `path` from `start`, in chunks; closes the file when the consumer stops
    (a client disconnecting cancels the consumer).

    A chunk the page cache holds is read on the event loop (a few microseconds for 128 KiB,
    where a thread hop cost ten times that, and a player's first seconds read ahead hundreds
    of chunks); one that must come from the disk is read in a thread, so a slow disk or
    network share never stalls the loop."""
    if fd is None:
        fd = await asyncio.to_thread(_open, path)
    try:
        position = start
        remaining = length if length is not None else os.fstat(fd).st_size - start
        while remaining > 0:
            size = min(CHUNK_SIZE, remaining)
            data: bytes | memoryview | None = _read_cached(fd, size, position)
            if data is None:
                data = await asyncio.to_thread(os.pread, fd, size, position)
            if not data:
                break
            position += len(data)
            remaining -= len(data)
            yield data
    finally:
        os.close(fd)


def _read_cached(fd: int, size: int, position: int) -> memoryview | None:
    """Up to `size` bytes at `position` if they are in the page cache, without waiting for the
    disk; None when they are not (or the system cannot tell)."""
    if NO_WAIT is None:
        return None
    buffer = bytearray(size)  # a new one each time: the transport may still hold the last
    try:
        count = os.preadv(fd, [buffer], position, NO_WAIT)
    except OSError:  # EAGAIN: not cached; EOPNOTSUPP: a file system without the flag
        return None
    return memoryview(buffer)[:count] if count else None


async def open_file(path: Path) -> int | None:
    """A file descriptor, or None when the file vanished since it was located."""
    try:
        return await asyncio.to_thread(_open, path)
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class ArchiveEntry:
    path: Path
    name: str  # inside the archive, folder included
    size: int
    mtime: float


@dataclass(frozen=True, slots=True)
class AlbumArchive:
    filename: str
    entries: list[ArchiveEntry]

    @property
    def estimated_size(self) -> int:
        return sum(entry.size for entry in self.entries)


def _entry_name(track: Track, position: int) -> str:
    number = track.track_number if track.track_number is not None else position
    disc = f"{track.disc_number}-" if track.disc_number and track.disc_number > 1 else ""
    return f"{disc}{number:02d} - {track.title}.{track.suffix.lower()}"


def _archive_entries(
    folder: str, candidates: list[tuple[str, str]], roots: list[Path]
) -> list[ArchiveEntry]:
    """Entries for (stored path, name) pairs; files outside the roots or missing are skipped."""
    entries: list[ArchiveEntry] = []
    taken: set[str] = set()
    for raw, name in candidates:
        try:
            path, info = _locate(raw, roots)
        except (Forbidden, NotFound) as error:
            log.warning("Album download skips %s: %s", raw, error)
            continue
        stem, dot, extension = safe_name(name, limit=180).rpartition(".")
        unique, copy = f"{stem}{dot}{extension}", 2
        while unique.lower() in taken:  # two tracks with the same number and title
            unique, copy = f"{stem} ({copy}){dot}{extension}", copy + 1
        taken.add(unique.lower())
        entries.append(ArchiveEntry(path, f"{folder}/{unique}", info.st_size, info.st_mtime))
    return entries


async def album_archive(services: Services, album_id: uuid.UUID) -> AlbumArchive:
    async with services.sessions() as session:
        album = await repository.get_album(session, album_id)
        if album is None:
            raise NotFound("Album not found")
        tracks = await repository.album_tracks(session, album_id)
        library_path = await repository.library_path(session)
    folder = safe_name(f"{album.artist_name} - {album.name}")
    candidates = [(track.path, _entry_name(track, i)) for i, track in enumerate(tracks, 1)]
    covers_dir = services.settings.data_dir / "covers"
    roots = allowed_roots(services, library_path)

    def entries_with_cover() -> list[ArchiveEntry]:
        cover = original_cover(covers_dir, album.cover_hash) if album.cover_hash else None
        if cover is not None:
            candidates.append((str(cover), f"cover{cover.suffix}"))
        return _archive_entries(folder, candidates, roots)

    entries = await asyncio.to_thread(entries_with_cover)
    return AlbumArchive(filename=f"{folder}.zip", entries=entries)


async def track_lyrics(services: Services, track_id: uuid.UUID) -> Lyrics:
    async with services.sessions() as session:
        track = await repository.get_track(session, track_id)
    if track is None:
        raise NotFound("Track not found")
    synced = [
        LyricLine(time_ms=int(line["timeMs"]), text=str(line["text"]))
        for line in track.synced_lyrics or []
    ]
    return Lyrics(plain=track.lyrics, synced=synced)
