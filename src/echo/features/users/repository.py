"""Queries on the users table. Repositories never commit; the service does."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.users.models import User


async def get(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    # Usernames are unique regardless of case, so "Alice" cannot impersonate "alice".
    return await session.scalar(select(User).where(func.lower(User.username) == username.lower()))


async def list_page(session: AsyncSession, skip: int, take: int) -> tuple[list[User], int]:
    total = await session.scalar(select(func.count()).select_from(User)) or 0
    users = await session.scalars(
        select(User).order_by(User.created_at, User.id).offset(skip).limit(take)
    )
    return list(users), total


async def system_admin_id(session: AsyncSession) -> uuid.UUID | None:
    """The oldest admin account: protected from demotion, deactivation and deletion."""
    return await session.scalar(
        select(User.id).where(User.is_admin).order_by(User.created_at, User.id).limit(1)
    )


async def count_active_admins(session: AsyncSession) -> int:
    query = select(func.count()).select_from(User).where(User.is_admin, User.is_active)
    return await session.scalar(query) or 0


async def first_admin(session: AsyncSession) -> User | None:
    return await session.scalar(
        select(User).where(User.is_admin).order_by(User.created_at, User.id).limit(1)
    )


async def list_admins(session: AsyncSession) -> list[User]:
    return list(await session.scalars(select(User).where(User.is_admin)))


def add(session: AsyncSession, user: User) -> None:
    session.add(user)


async def delete(session: AsyncSession, user: User) -> None:
    await session.delete(user)
