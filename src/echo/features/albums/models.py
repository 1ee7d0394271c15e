"""The albums table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, UTCDateTime, new_id, utcnow
from echo.core.search import key_type

LISTED = text("song_count > 0")


class Album(Base):
    __tablename__ = "albums"
    __table_args__ = (
        # The newest and alphabetical lists read their page in index order instead of sorting
        # every album.
        Index("ix_albums_newest", "created_at", "id", sqlite_where=LISTED, postgresql_where=LISTED),
        Index(
            "ix_albums_alphabetical",
            "order_album_name",
            "id",
            sqlite_where=LISTED,
            postgresql_where=LISTED,
        ),
        # Search: prefix matches in key order, the index scanned for the others.
        Index("ix_albums_search", "search_key", "id", sqlite_where=LISTED, postgresql_where=LISTED),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    # Persistent identity: the MusicBrainz album id, else a hash of album artist, name and year.
    pid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(512), index=True)
    order_album_name: Mapped[str] = mapped_column(String(512), index=True)
    # fold(name): what search matches, accent- and case-insensitive.
    search_key: Mapped[str] = mapped_column(key_type(512), server_default="")
    sort_album_name: Mapped[str | None] = mapped_column(String(512))
    album_artist_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("artists.id", ondelete="RESTRICT"), index=True
    )
    artist_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    artist_name: Mapped[str] = mapped_column(String(512))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    release_date: Mapped[str | None] = mapped_column(String(32))
    original_date: Mapped[str | None] = mapped_column(String(32))
    compilation: Mapped[bool] = mapped_column(Boolean, default=False)
    song_count: Mapped[int] = mapped_column(Integer, default=0)
    disc_count: Mapped[int] = mapped_column(Integer, default=1)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    # Content hash of the cover image in DATA_DIR/covers; the file is shared by identical covers.
    cover_hash: Mapped[str | None] = mapped_column(String(64))
    cover_source: Mapped[str | None] = mapped_column(String(16))
    mbz_album_id: Mapped[str | None] = mapped_column(String(64), index=True)
    mbz_album_artist_id: Mapped[str | None] = mapped_column(String(64))
    mbz_release_group_id: Mapped[str | None] = mapped_column(String(64))
    catalog_num: Mapped[str | None] = mapped_column(String(128))
    comment: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    mbid_searched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    external_info_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
