"""Administration of users, with the system-admin and last-admin protections."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from echo.features.admin.schemas import (
    AdminUserView,
    CreatedUser,
    CreateUserResponse,
    UpdateUserRequest,
    UserList,
)
from echo.features.auth import passwords
from echo.features.auth import repository as auth_repository
from echo.features.users import repository as users
from echo.features.users.models import User


async def create_user(
    services: Services, username: str, name: str | None, is_admin: bool, password: str | None = None
) -> CreateUserResponse:
    """A new account with a temporary password that must be changed at first login."""
    passwords.check_username(username)
    temporary = password or passwords.temporary_password()
    async with services.sessions() as session:
        if await users.get_by_username(session, username) is not None:
            raise Conflict(f"Username '{username}' is taken")
        user = User(
            username=username,
            name=name,
            is_admin=is_admin,
            password_hash=await passwords.hash_password(temporary),
            must_change_password=True,
        )
        users.add(session, user)
        try:
            await session.commit()
        except IntegrityError as error:  # a concurrent create with the same name
            raise Conflict(f"Username '{username}' is taken") from error
        return CreateUserResponse(
            user=CreatedUser.model_validate(user), temporary_password=temporary
        )


async def list_users(services: Services, skip: int, take: int) -> UserList:
    async with services.sessions() as session:
        page, total = await users.list_page(session, skip, take)
        system_admin = await users.system_admin_id(session)
    views = [
        AdminUserView.model_validate(user).model_copy(
            update={"is_system_admin": user.id == system_admin}
        )
        for user in page
    ]
    return UserList(users=views, total=total)


async def _target(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await users.get(session, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


async def _would_remove_last_admin(session: AsyncSession, user: User) -> bool:
    return user.is_admin and user.is_active and await users.count_active_admins(session) <= 1


async def update_user(
    services: Services, admin_id: uuid.UUID, user_id: uuid.UUID, changes: UpdateUserRequest
) -> AdminUserView:
    async with services.sessions() as session:
        user = await _target(session, user_id)
        system_admin = await users.system_admin_id(session)
        demotes = changes.is_admin is False and user.is_admin
        deactivates = changes.is_active is False and user.is_active
        if (demotes or deactivates) and user.id == system_admin:
            raise InvalidInput("The system administrator cannot be demoted or deactivated")
        if (demotes or deactivates) and user.id == admin_id:
            raise InvalidInput("You cannot demote or deactivate yourself")
        if (demotes or deactivates) and await _would_remove_last_admin(session, user):
            raise InvalidInput("The last active administrator cannot be demoted or deactivated")
        if "name" in changes.model_fields_set:
            user.name = changes.name
        if changes.is_admin is not None:
            user.is_admin = changes.is_admin
        if changes.is_active is not None:
            user.is_active = changes.is_active
        if deactivates:
            await auth_repository.revoke_user_sessions(session, user.id, utcnow())
        await session.commit()
        return AdminUserView.model_validate(user).model_copy(
            update={"is_system_admin": user.id == system_admin}
        )


async def deactivate_user(services: Services, admin_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await update_user(services, admin_id, user_id, UpdateUserRequest(is_active=False))


async def delete_user(services: Services, admin_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Removes the account and everything it owns."""
    async with services.sessions() as session:
        user = await _target(session, user_id)
        if user.id == await users.system_admin_id(session):
            raise InvalidInput("The system administrator cannot be deleted")
        if user.id == admin_id:
            raise InvalidInput("You cannot delete yourself")
        if await _would_remove_last_admin(session, user):
            raise InvalidInput("The last active administrator cannot be deleted")
        await users.delete(session, user)
        await session.commit()
    avatar_folder = services.settings.data_dir / "uploads" / "users" / str(user_id)
    for path in avatar_folder.glob("*"):
        path.unlink(missing_ok=True)
    if avatar_folder.exists():
        avatar_folder.rmdir()


async def reset_password(services: Services, admin_id: uuid.UUID, user_id: uuid.UUID) -> str:
    temporary = passwords.temporary_password()
    async with services.sessions() as session:
        user = await _target(session, user_id)
        if user.id == admin_id:
            raise Forbidden("Change your own password from your profile")
        if user.id == await users.system_admin_id(session):
            raise Forbidden("The system administrator's password cannot be reset here")
        user.password_hash = await passwords.hash_password(temporary)
        user.must_change_password = True
        await auth_repository.revoke_user_sessions(session, user.id, utcnow())
        await session.commit()
    return temporary
