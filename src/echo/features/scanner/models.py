"""Scan history and the files a scan could not read."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, new_id, utcnow


class LibraryScan(Base):
    __tablename__ = "library_scans"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(16), default="full")  # full | incremental
    # pending → running → completed | failed | cancelled (also paused)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    # True while pending or running, else NULL: a unique index allows one active scan at a time.
    active: Mapped[bool | None] = mapped_column(Boolean, unique=True, default=True)
    # Set by the scanning process as it works; an active scan with an old heartbeat was orphaned.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "host:pid" of the process running the scan, to tell at once that a crashed one is gone
    owner: Mapped[str | None] = mapped_column(String(300))
    # pause / resume / cancel requests from any process, checked between batches
    requested: Mapped[str | None] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    files_scanned: Mapped[int] = mapped_column(Integer, default=0)
    tracks_added: Mapped[int] = mapped_column(Integer, default=0)
    tracks_updated: Mapped[int] = mapped_column(Integer, default=0)
    tracks_deleted: Mapped[int] = mapped_column(Integer, default=0)
    tracks_missing: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_message: Mapped[str | None] = mapped_column(Text)


class ScanError(Base):
    """A file that could not be read, kept with its size and mtime so it is retried only once changed."""

    __tablename__ = "scan_errors"

    path: Mapped[str] = mapped_column(String(4096), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    error: Mapped[str] = mapped_column(Text)
    scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
