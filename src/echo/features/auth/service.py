"""Use cases of authentication: log in, refresh, log out, and resolving a token to its user."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from echo.bootstrap import Services
from echo.core.blacklist import BlacklistUnavailable
from echo.core.db import utcnow
from echo.core.errors import Unauthorized
from echo.features.auth import passwords, repository, tokens
from echo.features.auth.models import RefreshToken
from echo.features.auth.schemas import LoginResponse, LoginUser, TokenPair
from echo.features.streaming import service as streaming
from echo.features.users import repository as users
from echo.features.users.models import User

log = logging.getLogger(__name__)

BAD_CREDENTIALS = "Invalid username or password"


@dataclass(frozen=True)
class Authenticated:
    user: User
    claims: tokens.Claims


async def _issue_pair(services: Services, session: AsyncSession, user: User, sid: str) -> TokenPair:
    settings = services.settings
    access = tokens.issue(
        "access",
        services.jwt.access,
        user.id,
        user.username,
        sid,
        timedelta(minutes=settings.access_token_minutes),
    )
    refresh = tokens.issue(
        "refresh",
        services.jwt.refresh,
        user.id,
        user.username,
        sid,
        timedelta(days=settings.refresh_token_days),
    )
    repository.add_refresh_token(
        session,
        RefreshToken(
            jti=refresh.claims.jti,
            user_id=user.id,
            session_id=sid,
            expires_at=refresh.claims.expires_at,
        ),
    )
    return TokenPair(access_token=access.token, refresh_token=refresh.token)


async def login(services: Services, username: str, password: str) -> LoginResponse:
    async with services.sessions() as session:
        user = await users.get_by_username(session, username)
        # Unknown users are checked against a dummy hash: same work, same answer.
        valid = await passwords.verify_password(
            user.password_hash if user else passwords.DUMMY_HASH, password
        )
        if user is None or not valid or not user.is_active:
            raise Unauthorized(BAD_CREDENTIALS)
        now = utcnow()
        user.last_login_at = now
        user.last_access_at = now
        pair = await _issue_pair(services, session, user, secrets.token_hex(16))
        await session.commit()
        return LoginResponse(
            user=LoginUser.model_validate(user),
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            must_change_password=user.must_change_password,
        )


async def refresh(services: Services, refresh_token: str) -> TokenPair:
    claims = tokens.decode("refresh", refresh_token, services.jwt.refresh)
    async with services.sessions() as session:
        stored = await repository.get_refresh_token(session, claims.jti)
        if stored is None or stored.user_id != claims.user_id:
            raise Unauthorized("Invalid refresh token")
        now = utcnow()
        if not await repository.mark_refresh_token_used(session, claims.jti, now):
            # A used refresh token presented again means it leaked: end that whole login.
            await repository.revoke_session(session, stored.session_id, now)
            await session.commit()
            log.warning("Refresh token replayed for user %s; session revoked", claims.user_id)
            raise Unauthorized("Refresh token already used")
        user = await users.get(session, claims.user_id)
        if user is None or not user.is_active:
            await session.rollback()
            raise Unauthorized("User is not active")
        pair = await _issue_pair(services, session, user, stored.session_id)
        await session.commit()
        return pair


async def logout(services: Services, auth: Authenticated) -> None:
    now = utcnow()
    async with services.sessions() as session:
        await repository.add_revoked(session, auth.claims.jti, auth.claims.expires_at)
        await repository.revoke_session(session, auth.claims.session_id, now)
        await session.commit()
    try:
        await services.blacklist.add(auth.claims.jti, auth.claims.expires_at)
    except BlacklistUnavailable:
        log.warning("Blacklist unreachable; the revocation is kept in the database")
    # Stream URLs carry their own token; logging out must end playback links too.
    await streaming.revoke_stream_token(services, auth.user.id)


async def _is_revoked(services: Services, session: AsyncSession, jti: str) -> bool:
    try:
        return await services.blacklist.contains(jti)
    except BlacklistUnavailable:
        return await repository.is_revoked(session, jti)


async def authenticate(services: Services, access_token: str) -> Authenticated:
    """The active user an access token belongs to; Unauthorized otherwise."""
    claims = tokens.decode("access", access_token, services.jwt.access)
    async with services.sessions() as session:
        if await _is_revoked(services, session, claims.jti):
            raise Unauthorized("Token revoked")
        # Ending a login (reset, deactivation, password change elsewhere, replay) ends its
        # access tokens too, or a stolen one could outlive the password reset meant to stop it.
        live, user = await repository.session_user(session, claims.session_id, claims.user_id)
        if not live:
            raise Unauthorized("Session ended")
        if user is None or not user.is_active:
            raise Unauthorized("User is not active")
        return Authenticated(user, claims)


async def warm_blacklist(services: Services) -> None:
    """Loads unexpired revocations into the blacklist at start, so a restart forgets none."""
    now = utcnow()
    async with services.sessions() as session:
        await repository.delete_expired(session, now)
        await session.commit()
        revoked = await repository.unexpired_revocations(session, now)
    try:
        for row in revoked:
            await services.blacklist.add(row.jti, row.expires_at)
    except BlacklistUnavailable:
        log.warning("Blacklist unreachable at start; revocations are read from the database")
