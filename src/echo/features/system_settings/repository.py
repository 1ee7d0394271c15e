"""Reading and writing settings rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.system_settings.models import SystemSetting


async def get_value(session: AsyncSession, key: str) -> str | None:
    row = await session.get(SystemSetting, key)
    return None if row is None else row.value


async def get_values(session: AsyncSession, keys: list[str]) -> dict[str, str]:
    rows = await session.scalars(select(SystemSetting).where(SystemSetting.key.in_(keys)))
    return {row.key: row.value for row in rows}


async def put_value(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(SystemSetting, key)
    if row is None:
        session.add(SystemSetting(key=key, value=value, category=key.split(".", 1)[0]))
    else:
        row.value = value
