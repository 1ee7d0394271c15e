"""The album columns image serving needs."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.albums.models import Album


async def album_cover_hash(session: AsyncSession, album_id: uuid.UUID) -> tuple[bool, str | None]:
    """(whether the album exists, the content hash of its cover)."""
    row = (await session.execute(select(Album.cover_hash).where(Album.id == album_id))).first()
    return (False, None) if row is None else (True, row[0])
