"""Measured loudness of each track and of each album; DJ features of each track."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, utcnow

PENDING, DONE, FAILED = "pending", "done", "failed"
# DJ analysis statuses as the spec names them (`GET /tracks/{id}/dj` shows them).
ANALYZING, COMPLETED = "analyzing", "completed"


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


class DjAnalysis(Base):
    """Tempo, key, energy and danceability of a track (spec §2.11).

    `bpm`, `key` and `camelot_key` are what clients use: the file's tags when they carry a
    usable value, else the detected one; `detected_bpm` and `detected_key` keep what the
    analysis found either way. `energy` is calibrated against the library (`raw_energy`
    through the sigmoid centred on the library's median), recomputed when a run ends.
    """

    __tablename__ = "dj_analysis"
    __table_args__ = (Index("ix_dj_analysis_status_camelot_bpm", "status", "camelot_key", "bpm"),)

    track_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    # pending → analyzing → completed | failed; a track without a row has not been queued yet.
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    bpm: Mapped[float | None] = mapped_column(Float)
    key: Mapped[str | None] = mapped_column(String(8))  # "C", "C#m", …
    camelot_key: Mapped[str | None] = mapped_column(String(4))  # "8A"
    energy: Mapped[float | None] = mapped_column(Float)  # 0–1, calibrated
    raw_energy: Mapped[float | None] = mapped_column(Float)  # 0–1
    danceability: Mapped[float | None] = mapped_column(Float)  # 0–1
    detected_bpm: Mapped[float | None] = mapped_column(Float)
    detected_key: Mapped[str | None] = mapped_column(String(8))
    bpm_confidence: Mapped[float | None] = mapped_column(Float)
    key_strength: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    analyzed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
