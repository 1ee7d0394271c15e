"""Measured loudness of each track and of each album."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, utcnow

PENDING, DONE, FAILED = "pending", "done", "failed"


class TrackLoudness(Base):
    """Raw EBU R128 measurements; gains are derived from them when read, never stored."""

    __tablename__ = "track_loudness"

    track_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    # pending → done | failed; a track without a row has not been queued yet.
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    integrated_lufs: Mapped[float | None] = mapped_column(Float)
    lra: Mapped[float | None] = mapped_column(Float)
    sample_peak: Mapped[float | None] = mapped_column(Float)  # linear
    true_peak_db: Mapped[float | None] = mapped_column(Float)  # dBTP
    outro_start: Mapped[float | None] = mapped_column(Float)
    # float32 mean squares per 100 ms: album loudness is gated across these, not re-decoded.
    sub_blocks: Mapped[bytes | None] = mapped_column(LargeBinary)
    error: Mapped[str | None] = mapped_column(Text)
    analyzed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AlbumLoudness(Base):
    """Integrated loudness gated over all of the album's measured audio."""

    __tablename__ = "album_loudness"

    album_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("albums.id", ondelete="CASCADE"), primary_key=True
    )
    integrated_lufs: Mapped[float | None] = mapped_column(Float)
    sample_peak: Mapped[float | None] = mapped_column(Float)
    true_peak_db: Mapped[float | None] = mapped_column(Float)
    tracks: Mapped[int] = mapped_column(Integer, default=0)
    analyzed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
