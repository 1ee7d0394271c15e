"""The users table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, Uuid, func
from sqlalchemy.orm import Mapped, mapped_column

from echo.core.db import Base, JSONType, UTCDateTime, new_id, utcnow

HOME_SECTION_IDS = (
    "recent-albums",
    "artist-mix",
    "genre-mix",
    "recently-played",
    "my-playlists",
    "top-played",
    "favorite-radios",
    "surprise-me",
    "shared-albums",
)


def default_home_sections() -> list[dict[str, Any]]:
    return [
        {"id": section, "enabled": order < 2, "order": order}
        for order, section in enumerate(HOME_SECTION_IDS)
    ]


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(100))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    theme: Mapped[str] = mapped_column(String(10), default="dark")
    language: Mapped[str] = mapped_column(String(5), default="en")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_access_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    avatar_path: Mapped[str | None] = mapped_column(String(512))
    avatar_mime_type: Mapped[str | None] = mapped_column(String(50))
    avatar_size: Mapped[int | None] = mapped_column(Integer)
    avatar_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_public_profile: Mapped[bool] = mapped_column(Boolean, default=False)
    show_top_tracks: Mapped[bool] = mapped_column(Boolean, default=True)
    show_top_artists: Mapped[bool] = mapped_column(Boolean, default=True)
    show_top_albums: Mapped[bool] = mapped_column(Boolean, default=True)
    show_playlists: Mapped[bool] = mapped_column(Boolean, default=True)
    bio: Mapped[str | None] = mapped_column(Text)
    home_sections: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=default_home_sections
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def has_avatar(self) -> bool:
        return self.avatar_path is not None


# Usernames are unique regardless of case; the index also settles concurrent creations.
Index("uq_users_username_lower", func.lower(User.username), unique=True)
