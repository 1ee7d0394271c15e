"""Ratings (1–5) and favourites (stars) of tracks, albums, artists and playlists."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, utcnow


class UserRating(Base):
    __tablename__ = "user_ratings"
    __table_args__ = (Index("ix_user_ratings_item", "item_type", "item_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    rating: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Favorite(Base):
    """A star: the original had none, and every client (Subsonic's star) expects one."""

    __tablename__ = "favorites"
    __table_args__ = (Index("ix_favorites_item", "item_type", "item_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    item_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
