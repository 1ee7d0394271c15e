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


class LibraryInfo(ApiModel):
    """`GET /admin/library`: the library folder and what it holds."""

    path: str | None
    exists: bool
    readable: bool
    file_count: int
    mounted_paths: list[str]


class LibraryPathRequest(InputModel):
    path: str = Field(min_length=1, max_length=4096)


class LibraryPathResult(ApiModel):
    success: bool
    message: str
    path: str
    file_count: int


class AdminSetting(ApiModel):
    key: str
    value: str
    type: str
    is_default: bool


class AdminSettingList(ApiModel):
    settings: list[AdminSetting]


class SettingValueRequest(InputModel):
    value: str = Field(max_length=4096)


class SettingChange(ApiModel):
    success: bool
    key: str
    old_value: str | None
    new_value: str
    created: bool
