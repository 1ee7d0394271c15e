"""The artists table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Float, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, new_id, utcnow
from echo.core.search import key_type

LISTED = text("song_count > 0")


class Artist(Base):
    __tablename__ = "artists"
    __table_args__ = (
        # Search: prefix matches in key order, the index scanned for the others.
        Index(
            "ix_artists_search", "search_key", "id", sqlite_where=LISTED, postgresql_where=LISTED
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(512), index=True)
    # Normalised sort key (see core.text.sort_key); artists without a MusicBrainz id match by it.
    order_artist_name: Mapped[str] = mapped_column(String(512), index=True)
    # fold(name): what search matches, accent- and case-insensitive.
    search_key: Mapped[str] = mapped_column(key_type(512), server_default="")
    sort_name: Mapped[str | None] = mapped_column(String(512))
    mbz_artist_id: Mapped[str | None] = mapped_column(String(64), index=True)
    album_count: Mapped[int] = mapped_column(Integer, default=0)
    song_count: Mapped[int] = mapped_column(Integer, default=0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    biography: Mapped[str | None] = mapped_column(Text)
    biography_source: Mapped[str | None] = mapped_column(String(64))
    external_url: Mapped[str | None] = mapped_column(String(1024))
    mbid_searched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_info_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
