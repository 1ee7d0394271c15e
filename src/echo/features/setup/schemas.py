"""Request and response bodies of /api/setup."""

from __future__ import annotations

import uuid

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel


class MountedLibrary(ApiModel):
    path: str
    is_mounted: bool
    has_content: bool
    file_count: int


class ApiKeyHints(ApiModel):
    lastfm: str | None = None
    fanart: str | None = None


class SetupStatus(ApiModel):
    needs_setup: bool
    has_admin: bool
    admin_username: str | None
    admin_user_id: uuid.UUID | None
    admin_has_avatar: bool
    has_music_library: bool
    music_library_path: str | None
    setup_completed: bool
    mounted_library: MountedLibrary | None
    api_key_hints: ApiKeyHints


class CreateAdminRequest(InputModel):
    username: str = Field(min_length=3, max_length=50)
    password: str = Field(min_length=8, max_length=128)


class CreatedAdmin(ApiModel):
    id: uuid.UUID
    username: str
    is_admin: bool


class PathRequest(InputModel):
    path: str = Field(max_length=4096)


class MkdirRequest(InputModel):
    path: str = Field(max_length=4096)
    name: str = Field(min_length=1, max_length=255)


class LibraryValidation(ApiModel):
    valid: bool
    message: str
    file_count: int | None = None


class Directory(ApiModel):
    name: str
    path: str
    readable: bool
    has_music: bool


class DirectoryListing(ApiModel):
    current_path: str
    parent_path: str | None
    directories: list[Directory]
    can_go_up: bool


class CreatedDirectory(ApiModel):
    path: str


class ApiKeysRequest(InputModel):
    lastfm: str | None = Field(None, max_length=256)
    fanart: str | None = Field(None, max_length=256)


class CompleteResponse(ApiModel):
    success: bool
    message: str
