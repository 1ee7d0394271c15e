"""Genres and their links to tracks, albums and artists."""

from __future__ import annotations

import uuid

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, new_id


class Genre(Base):
    __tablename__ = "genres"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    # fold(name): "hip-hop", "Hip-Hop" and "HIP-HOP" are one genre.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    song_count: Mapped[int] = mapped_column(Integer, default=0)
    album_count: Mapped[int] = mapped_column(Integer, default=0)
    artist_count: Mapped[int] = mapped_column(Integer, default=0)


def _link_table(name: str, owner: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column(
            f"{owner}_id",
            Uuid,
            ForeignKey(f"{owner}s.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            "genre_id",
            Uuid,
            ForeignKey("genres.id", ondelete="CASCADE"),
            primary_key=True,
            index=True,
        ),
    )


track_genres = _link_table("track_genres", "track")
album_genres = _link_table("album_genres", "album")
artist_genres = _link_table("artist_genres", "artist")
