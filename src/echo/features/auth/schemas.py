"""Request and response bodies of /api/auth."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel


class LoginRequest(InputModel):
    username: str = Field(min_length=3, max_length=50)
    password: str = Field(min_length=8, max_length=128)


class RefreshRequest(InputModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class LoginUser(ApiModel):
    id: uuid.UUID
    username: str
    name: str | None
    is_admin: bool
    has_avatar: bool
    # The account's appearance and language, so a client applies them as soon as it signs in
    # (the spec's payload lacks them; they are only ever saved otherwise).
    theme: str
    language: str
    created_at: datetime


class MeUser(LoginUser):
    is_active: bool
    must_change_password: bool


class LoginResponse(ApiModel):
    user: LoginUser
    access_token: str
    refresh_token: str
    must_change_password: bool


class TokenPair(ApiModel):
    access_token: str
    refresh_token: str


class MeResponse(ApiModel):
    user: MeUser
