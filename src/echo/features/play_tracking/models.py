"""Play history, per-user play statistics per track/album/artist, and playback state."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, JSONType, UTCDateTime, new_id, utcnow


class PlayEvent(Base):
    __tablename__ = "play_history"
    __table_args__ = (
        Index("ix_play_history_user_played", "user_id", "played_at"),
        Index("ix_play_history_user_context", "user_id", "play_context"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="CASCADE"))
    track_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    played_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    client: Mapped[str | None] = mapped_column(String(255))
    play_context: Mapped[str] = mapped_column(String(32))
    completion_rate: Mapped[float] = mapped_column(Float, default=1.0)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[str | None] = mapped_column(String(64), index=True)
    source_type: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserPlayStats(Base):
    """Per user and item (track, album or artist): counts kept when history is trimmed."""

    __tablename__ = "user_play_stats"
    __table_args__ = (Index("ix_user_play_stats_item", "item_type", "item_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    play_count: Mapped[int] = mapped_column(Integer, default=0)
    weighted_play_count: Mapped[float] = mapped_column(Float, default=0.0)
    skip_count: Mapped[int] = mapped_column(Integer, default=0)
    avg_completion_rate: Mapped[float] = mapped_column(Float, default=0.0)
    last_played_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PlaybackState(Base):
    """What each user is playing now (for "listening now" and resuming)."""

    __tablename__ = "play_queue"
    __table_args__ = (Index("ix_play_queue_playing", "is_playing", "updated_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    current_track_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("tracks.id", ondelete="SET NULL")
    )
    position: Mapped[float] = mapped_column(Float, default=0.0)
    is_playing: Mapped[bool] = mapped_column(Boolean, default=False)
    current_federation_track: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
