"""Refresh-token rows and revoked access tokens."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CursorResult, Exists, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from echo.features.auth.models import RefreshToken, RevokedToken
from echo.features.users.models import User


def add_refresh_token(session: AsyncSession, token: RefreshToken) -> None:
    session.add(token)


async def get_refresh_token(session: AsyncSession, jti: str) -> RefreshToken | None:
    return await session.get(RefreshToken, jti)


async def mark_refresh_token_used(session: AsyncSession, jti: str, now: datetime) -> bool:
    """True for the one caller that uses the token first; a replay (or a race) gets False."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == jti, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def _live(session_id: str) -> Exists:
    """A login is live while its chain holds an unused refresh token; revoking marks them all."""
    return (
        select(RefreshToken.jti)
        .where(RefreshToken.session_id == session_id, RefreshToken.used_at.is_(None))
        .exists()
    )


async def is_session_live(session: AsyncSession, session_id: str) -> bool:
    return bool(await session.scalar(select(_live(session_id))))


async def session_user(
    session: AsyncSession, session_id: str, user_id: uuid.UUID
) -> tuple[bool, User | None]:
    """(whether the login is live, its user) in one round trip: every authenticated request
    asks both."""
    row = (await session.execute(select(User, _live(session_id)).where(User.id == user_id))).first()
    if row is None:
        return await is_session_live(session, session_id), None
    return bool(row[1]), row[0]


async def revoke_session(session: AsyncSession, session_id: str, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.session_id == session_id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )


async def revoke_user_sessions(
    session: AsyncSession, user_id: uuid.UUID, now: datetime, keep_session: str | None = None
) -> None:
    query = update(RefreshToken).where(
        RefreshToken.user_id == user_id, RefreshToken.used_at.is_(None)
    )
    if keep_session is not None:
        query = query.where(RefreshToken.session_id != keep_session)
    await session.execute(query.values(used_at=now))


async def add_revoked(session: AsyncSession, jti: str, expires_at: datetime) -> None:
    if await session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, expires_at=expires_at))


async def is_revoked(session: AsyncSession, jti: str) -> bool:
    return await session.get(RevokedToken, jti) is not None


async def unexpired_revocations(session: AsyncSession, now: datetime) -> list[RevokedToken]:
    return list(await session.scalars(select(RevokedToken).where(RevokedToken.expires_at > now)))


async def delete_expired(session: AsyncSession, now: datetime) -> None:
    await session.execute(delete(RevokedToken).where(RevokedToken.expires_at <= now))
    await session.execute(delete(RefreshToken).where(RefreshToken.expires_at <= now))
