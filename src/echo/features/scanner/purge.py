"""Phase 5: what happens to tracks whose file is gone, per the purge policy of spec §2.10."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.errors import InvalidInput
from echo.features.tracks.models import Track

PURGE_SETTING = "library.purgeMissing"
_AFTER_DAYS = re.compile(r"^after_days:(\d{1,5})$")


@dataclass(frozen=True)
class PurgePolicy:
    """`never` keeps missing tracks flagged; `always` deletes them; `after_days:N` after N days."""

    mode: str
    days: int | None = None

    @classmethod
    def parse(cls, value: str | None) -> PurgePolicy:
        value = (value or "never").strip()
        if value in ("never", "always"):
            return cls(value)
        match = _AFTER_DAYS.match(value)
        if match is None:
            raise InvalidInput("Purge mode must be never, always or after_days:N")
        return cls("after_days", int(match.group(1)))

    def __str__(self) -> str:
        return self.mode if self.days is None else f"after_days:{self.days}"


async def purge(session: AsyncSession, policy: PurgePolicy, now: datetime) -> list[uuid.UUID]:
    """Deletes the missing tracks the policy allows to delete; returns their ids."""
    query = select(Track.id).where(Track.missing_at.is_not(None))
    if policy.mode == "never":
        return []
    if policy.mode == "after_days":
        assert policy.days is not None
        query = query.where(Track.missing_at <= now - timedelta(days=policy.days))
    ids = list(await session.scalars(query))
    await delete_tracks(session, ids)
    return ids


async def delete_tracks(session: AsyncSession, ids: Sequence[uuid.UUID]) -> int:
    deleted = 0
    for start in range(0, len(ids), 500):
        result = await session.execute(delete(Track).where(Track.id.in_(ids[start : start + 500])))
        assert isinstance(result, CursorResult)
        deleted += result.rowcount
    return deleted
