"""The tracks table and the track–artist links."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, JSONType, UTCDateTime, new_id, utcnow
from echo.core.search import key_type

PRESENT = text("missing_at IS NULL")
MISSING = text("missing_at IS NOT NULL")
MB_TAGGED = text("mbz_track_id IS NOT NULL")


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (
        # Search scans this narrow index instead of the wide rows (index-only on both databases).
        Index(
            "ix_tracks_search", "search_key", "id", sqlite_where=PRESENT, postgresql_where=PRESENT
        ),
        # Substring search of 3+ characters on PostgreSQL; on SQLite the same index is declared
        # always empty (WHERE false), so both databases keep one schema at no write cost.
        Index(
            "ix_tracks_search_trgm",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
            sqlite_where=false(),
        ),
        Index(
            "ix_tracks_newest", "created_at", "id", sqlite_where=PRESENT, postgresql_where=PRESENT
        ),
        # Only the rows with a value: every index is written on each insert of a scan.
        Index("ix_tracks_missing_at", "missing_at", sqlite_where=MISSING, postgresql_where=MISSING),
        Index(
            "ix_tracks_mbz_track_id",
            "mbz_track_id",
            sqlite_where=MB_TAGGED,
            postgresql_where=MB_TAGGED,
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    path: Mapped[str] = mapped_column(String(4096), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    # size + duration + tags: lets a moved or renamed file keep its id (see scanner/identity.py).
    fingerprint: Mapped[str] = mapped_column(String(64))
    suffix: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(1024))
    album_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("albums.id", ondelete="RESTRICT"), index=True
    )
    artist_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("artists.id"), index=True)
    album_artist_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("artists.id"), index=True)
    album_name: Mapped[str] = mapped_column(String(512))
    artist_name: Mapped[str] = mapped_column(String(1024))
    album_artist_name: Mapped[str] = mapped_column(String(512))
    order_title: Mapped[str] = mapped_column(String(1024), index=True)
    # fold(title): what search matches, accent- and case-insensitive.
    search_key: Mapped[str] = mapped_column(key_type(1024), server_default="")
    sort_title: Mapped[str | None] = mapped_column(String(1024))
    track_number: Mapped[int | None] = mapped_column(Integer)
    track_total: Mapped[int | None] = mapped_column(Integer)
    disc_number: Mapped[int] = mapped_column(Integer, default=1)
    disc_total: Mapped[int | None] = mapped_column(Integer)
    disc_subtitle: Mapped[str | None] = mapped_column(String(512))
    year: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[str | None] = mapped_column(String(32))
    original_date: Mapped[str | None] = mapped_column(String(32))
    compilation: Mapped[bool] = mapped_column(Boolean, default=False)
    duration: Mapped[float] = mapped_column(Float, default=0.0)
    bit_rate: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    bit_depth: Mapped[int | None] = mapped_column(Integer)
    channels: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    lyrics: Mapped[str | None] = mapped_column(Text)
    synced_lyrics: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    has_cover_art: Mapped[bool] = mapped_column(Boolean, default=False)
    mbz_track_id: Mapped[str | None] = mapped_column(String(64))
    mbz_release_track_id: Mapped[str | None] = mapped_column(String(64))
    mbz_album_id: Mapped[str | None] = mapped_column(String(64))
    mbz_artist_id: Mapped[str | None] = mapped_column(String(64))
    mbz_album_artist_id: Mapped[str | None] = mapped_column(String(64))
    catalog_num: Mapped[str | None] = mapped_column(String(128))
    bpm: Mapped[float | None] = mapped_column(Float)
    initial_key: Mapped[str | None] = mapped_column(String(16))
    rg_track_gain: Mapped[float | None] = mapped_column(Float)
    rg_track_peak: Mapped[float | None] = mapped_column(Float)
    rg_album_gain: Mapped[float | None] = mapped_column(Float)
    rg_album_peak: Mapped[float | None] = mapped_column(Float)
    missing_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class TrackArtist(Base):
    """Every artist credited on a track (role `artist`) or as its album artist (`albumartist`)."""

    __tablename__ = "track_artists"

    track_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True
    )
    artist_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    artist_name: Mapped[str] = mapped_column(String(512))


# SQLite only: the trigram full-text table (FTS5) that track search counts and ranks matches in,
# holding the present tracks' search keys; migration 0008 creates it and the triggers that keep
# it in step with every write to tracks. Outside Base.metadata, since the migration owns it.
tracks_search = Table(
    "tracks_search", MetaData(), Column("search_key", String), Column("id", Uuid, primary_key=True)
)
