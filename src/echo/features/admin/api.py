"""/api/admin/users routes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from echo.features.admin import service
from echo.features.admin.schemas import (
    AdminUserView,
    CreateUserRequest,
    CreateUserResponse,
    TemporaryPassword,
    UpdateUserRequest,
    UserList,
)
from echo.features.auth.dependencies import AdminUser, ServicesDep

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
