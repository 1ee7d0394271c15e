"""JSON Web Tokens: HS256 access and refresh tokens with separate secrets."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import jwt

from echo.core.errors import Unauthorized

TokenKind = Literal["access", "refresh"]


@dataclass(frozen=True)
class Claims:
    user_id: uuid.UUID
    username: str
    jti: str
    session_id: str
    expires_at: datetime
    issued_at: datetime


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: Claims


def issue(
    kind: TokenKind,
    secret: str,
    user_id: uuid.UUID,
    username: str,
    session_id: str,
    lifetime: timedelta,
) -> IssuedToken:
    now = datetime.now(UTC).replace(microsecond=0)
    claims = Claims(user_id, username, secrets.token_hex(16), session_id, now + lifetime, now)
    payload = {
        "userId": str(user_id),
        "username": username,
        "jti": claims.jti,
        "sid": session_id,
        "typ": kind,
        "iat": now,
        "exp": claims.expires_at,
    }
    return IssuedToken(jwt.encode(payload, secret, algorithm="HS256"), claims)


def decode(kind: TokenKind, token: str, secret: str) -> Claims:
    """Verified claims, or Unauthorized for a tampered, expired, foreign or malformed token."""
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["exp", "iat", "jti", "userId", "sid", "typ"]},
        )
        if payload["typ"] != kind:
            raise Unauthorized("Invalid token")
        return Claims(
            user_id=uuid.UUID(str(payload["userId"])),
            username=str(payload["username"]),
            jti=str(payload["jti"]),
            session_id=str(payload["sid"]),
            expires_at=datetime.fromtimestamp(int(payload["exp"]), UTC),
            issued_at=datetime.fromtimestamp(int(payload["iat"]), UTC),
        )
    except jwt.ExpiredSignatureError as error:
        raise Unauthorized("Token expired") from error
    except (jwt.InvalidTokenError, ValueError, KeyError, TypeError) as error:
        raise Unauthorized("Invalid token") from error
