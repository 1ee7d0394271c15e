"""/api/admin routes: users, the library folder and the settings of the admin pages."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from echo.features.admin import service, settings_service
from echo.features.admin.schemas import (
    AdminSettingList,
    AdminUserView,
    CreateUserRequest,
    CreateUserResponse,
    LibraryInfo,
    LibraryPathRequest,
    LibraryPathResult,
    SettingChange,
    SettingValueRequest,
    TemporaryPassword,
    UpdateUserRequest,
    UserList,
)
from echo.features.auth.dependencies import AdminUser, ServicesDep
from echo.features.setup import service as setup_service
from echo.features.setup.schemas import DirectoryListing

router = APIRouter(prefix="/admin/users", tags=["admin"])


@router.post("", status_code=201)
async def create_user(
    body: CreateUserRequest, admin: AdminUser, services: ServicesDep
) -> CreateUserResponse:
    return await service.create_user(services, body.username, body.name, body.is_admin)


@router.get("")
async def list_users(
    admin: AdminUser,
    services: ServicesDep,
    skip: Annotated[int, Query(ge=0, le=10**9)] = 0,
    take: Annotated[int, Query(ge=-(10**9), le=10**9, description="Clamped to 1..100")] = 20,
) -> UserList:
    return await service.list_users(services, max(skip, 0), min(max(take, 1), 100))


@router.put("/{user_id}")
async def update_user(
    user_id: uuid.UUID, body: UpdateUserRequest, admin: AdminUser, services: ServicesDep
) -> AdminUserView:
    return await service.update_user(services, admin.id, user_id, body)


@router.delete("/{user_id}", status_code=204)
async def deactivate_user(user_id: uuid.UUID, admin: AdminUser, services: ServicesDep) -> None:
    await service.deactivate_user(services, admin.id, user_id)


@router.delete("/{user_id}/permanently", status_code=204)
async def delete_user(user_id: uuid.UUID, admin: AdminUser, services: ServicesDep) -> None:
    await service.delete_user(services, admin.id, user_id)


@router.post("/{user_id}/reset-password")
async def reset_password(
    user_id: uuid.UUID, admin: AdminUser, services: ServicesDep
) -> TemporaryPassword:
    return TemporaryPassword(
        temporary_password=await service.reset_password(services, admin.id, user_id)
    )


library_router = APIRouter(prefix="/admin/library", tags=["admin"])
settings_router = APIRouter(prefix="/admin/settings", tags=["admin"])


@library_router.get("")
async def library(admin: AdminUser, services: ServicesDep) -> LibraryInfo:
    return await settings_service.library_info(services)


@library_router.put("", responses={400: {}, 403: {}})
async def set_library(
    body: LibraryPathRequest, admin: AdminUser, services: ServicesDep
) -> LibraryPathResult:
    """The folder the scanner reads, under the browsable roots (ECHO_BROWSE_ROOTS, ECHO_LIBRARY)."""
    return await settings_service.set_library_path(services, body.path)


@library_router.post("/browse")
async def browse(
    body: LibraryPathRequest, admin: AdminUser, services: ServicesDep
) -> DirectoryListing:
    """Folders below `path` ("/" lists the browsable roots), as in the setup wizard."""
    return await setup_service.browse(services, body.path)


@settings_router.get("")
async def list_settings(admin: AdminUser, services: ServicesDep) -> AdminSettingList:
    """The settings the admin pages change (secrets such as API keys are never listed)."""
    return await settings_service.list_settings(services)


@settings_router.put("/{key}", responses={400: {}, 404: {}})
async def set_setting(
    key: str, body: SettingValueRequest, admin: AdminUser, services: ServicesDep
) -> SettingChange:
    return await settings_service.set_setting(services, key, body.value)
