"""Queries for streaming: stream-token rows, and the track and album rows a stream needs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.albums.models import Album
from echo.features.streaming.models import StreamToken
from echo.features.system_settings.models import SystemSetting
from echo.features.tracks.models import Track
from echo.features.users.models import User


async def delete_user_tokens(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Deletes the user's stream tokens and returns their hashes (to drop them from the cache)."""
    hashes = await session.scalars(
        select(StreamToken.token_hash).where(StreamToken.user_id == user_id)
    )
    found = list(hashes)
    if found:
        await session.execute(delete(StreamToken).where(StreamToken.user_id == user_id))
    return found


def add_token(session: AsyncSession, token: StreamToken) -> None:
    session.add(token)


async def token_with_user(
    session: AsyncSession, token_hash: str
) -> tuple[StreamToken, User] | None:
    row = (
        await session.execute(
            select(StreamToken, User)
            .join(User, User.id == StreamToken.user_id)
            .where(StreamToken.token_hash == token_hash)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def get_track(session: AsyncSession, track_id: uuid.UUID) -> Track | None:
    return await session.get(Track, track_id)


# The library folder chosen in the setup wizard or admin panel (see scanner.library_roots).
LIBRARY_PATH_SETTING = "library.music.path"


@dataclass(frozen=True, slots=True)
class TrackFile:
    id: uuid.UUID
    path: str
    suffix: str
    bit_depth: int | None
    bit_rate: int | None
    duration: float
    library_path: str | None


async def track_file(session: AsyncSession, track_id: uuid.UUID) -> TrackFile | None:
    """What a stream needs of a track, and the chosen library folder, in one round trip:
    this runs on every Range request of every listener."""
    chosen = (
        select(SystemSetting.value)
        .where(SystemSetting.key == LIBRARY_PATH_SETTING)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(
                Track.id,
                Track.path,
                Track.suffix,
                Track.bit_depth,
                Track.bit_rate,
                Track.duration,
                chosen,
            ).where(Track.id == track_id)
        )
    ).first()
    return None if row is None else TrackFile(*row)


async def library_path(session: AsyncSession) -> str | None:
    return await session.scalar(
        select(SystemSetting.value).where(SystemSetting.key == LIBRARY_PATH_SETTING)
    )


async def get_album(session: AsyncSession, album_id: uuid.UUID) -> Album | None:
    return await session.get(Album, album_id)


async def album_tracks(session: AsyncSession, album_id: uuid.UUID) -> Sequence[Track]:
    """In disc and track order; a missing track number sorts last, by title."""
    tracks = await session.scalars(
        select(Track)
        .where(Track.album_id == album_id, Track.missing_at.is_(None))
        .order_by(
            Track.disc_number,
            Track.track_number.is_(None),
            Track.track_number,
            Track.order_title,
            Track.id,
        )
    )
    return tracks.all()
