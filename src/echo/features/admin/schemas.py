"""Request and response bodies of /api/admin/users."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel


class CreateUserRequest(InputModel):
    username: str = Field(min_length=3, max_length=50, pattern=r"^[A-Za-z0-9_]+$")
    name: str | None = Field(None, max_length=100)
    is_admin: bool = False


class CreatedUser(ApiModel):
    id: uuid.UUID
    username: str
    name: str | None
    is_admin: bool


class CreateUserResponse(ApiModel):
    user: CreatedUser
    temporary_password: str


class AdminUserView(ApiModel):
    id: uuid.UUID
    username: str
    name: str | None
    is_admin: bool
    is_active: bool
    avatar_path: str | None
    must_change_password: bool
    last_login_at: datetime | None
    created_at: datetime
    is_system_admin: bool = False


class UserList(ApiModel):
    users: list[AdminUserView]
    total: int


class UpdateUserRequest(InputModel):
    name: str | None = Field(None, max_length=100)
    is_admin: bool | None = None
    is_active: bool | None = None


class TemporaryPassword(ApiModel):
    temporary_password: str
