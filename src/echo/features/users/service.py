"""Self-service account use cases: password, profile, preferences, avatar, privacy."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import InvalidInput, NotFound, PayloadTooLarge, Unauthorized
from echo.core.paths import resolve_within
from echo.features.auth import passwords
from echo.features.auth import repository as auth_repository
from echo.features.users import repository
from echo.features.users.images import detect_image
from echo.features.users.models import User
from echo.features.users.schemas import (
    AvatarResponse,
    HomePreferences,
    HomeSection,
    HomeSectionInput,
    Privacy,
    PrivacyRequest,
    UserProfile,
)


async def _load(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repository.get(session, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


async def change_password(
    services: Services,
    user_id: uuid.UUID,
    current_password: str | None,
    new_password: str,
    session_id: str,
) -> None:
    """Clears a forced change; other logins of the user are ended, this one stays."""
    async with services.sessions() as session:
        user = await _load(session, user_id)
        if not user.must_change_password:
            if not current_password:
                raise InvalidInput("currentPassword is required")
            if not await passwords.verify_password(user.password_hash, current_password):
                raise Unauthorized("Current password is wrong")
        passwords.check_policy(new_password)
        if await passwords.verify_password(user.password_hash, new_password):
            raise InvalidInput("The new password must differ from the current one")
        user.password_hash = await passwords.hash_password(new_password)
        user.must_change_password = False
        await auth_repository.revoke_user_sessions(session, user.id, utcnow(), session_id)
        await session.commit()


async def update_profile(services: Services, user_id: uuid.UUID, name: str) -> UserProfile:
    async with services.sessions() as session:
        user = await _load(session, user_id)
        user.name = name.strip() or None
        await session.commit()
        return UserProfile.model_validate(user)


async def update_preferences(services: Services, user_id: uuid.UUID, **values: str) -> None:
    async with services.sessions() as session:
        user = await _load(session, user_id)
        for field, value in values.items():
            setattr(user, field, value)
        await session.commit()


def _avatar_folder(services: Services, user_id: uuid.UUID) -> Path:
    return services.settings.data_dir / "uploads" / "users" / str(user_id)


def _write_avatar(folder: Path, extension: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"avatar.{extension}"
    temporary = folder / f".avatar.{extension}.tmp"
    temporary.write_bytes(data)
    temporary.replace(target)
    for old in folder.glob("avatar.*"):
        if old != target:
            old.unlink(missing_ok=True)
    return target


async def save_avatar(services: Services, user_id: uuid.UUID, data: bytes) -> AvatarResponse:
    if len(data) > services.settings.avatar_max_bytes:
        limit_mb = services.settings.avatar_max_bytes / 1024 / 1024
        raise PayloadTooLarge(f"Avatar must be at most {limit_mb:g} MB")
    if not data:
        raise InvalidInput("The file is empty")
    mime, extension = await asyncio.to_thread(detect_image, data)
    folder = _avatar_folder(services, user_id)
    target = await asyncio.to_thread(_write_avatar, folder, extension, data)
    relative = target.relative_to(services.settings.data_dir).as_posix()
    async with services.sessions() as session:
        user = await _load(session, user_id)
        user.avatar_path = relative
        user.avatar_mime_type = mime
        user.avatar_size = len(data)
        user.avatar_updated_at = utcnow()
        await session.commit()
        version = int(user.avatar_updated_at.timestamp())
    return AvatarResponse(
        avatar_path=relative,
        avatar_url=f"/api/images/users/{user_id}/avatar?v={version}",
        avatar_size=len(data),
        avatar_mime_type=mime,
    )


async def delete_avatar(services: Services, user_id: uuid.UUID) -> None:
    async with services.sessions() as session:
        user = await _load(session, user_id)
        user.avatar_path = None
        user.avatar_mime_type = None
        user.avatar_size = None
        user.avatar_updated_at = utcnow()
        await session.commit()
    folder = _avatar_folder(services, user_id)
    for old in folder.glob("avatar.*"):
        old.unlink(missing_ok=True)


async def avatar_file(services: Services, user_id: uuid.UUID) -> tuple[Path, str, str]:
    """(file, MIME type, ETag) of a user's avatar; the stored path is re-checked on every read."""
    async with services.sessions() as session:
        user = await repository.get(session, user_id)
    if user is None or user.avatar_path is None or user.avatar_mime_type is None:
        raise NotFound("No avatar")
    data_dir = services.settings.data_dir
    path = resolve_within(data_dir / user.avatar_path, [data_dir / "uploads"])
    if not path.is_file():
        raise NotFound("No avatar")
    stamp = user.avatar_updated_at.timestamp() if user.avatar_updated_at else 0
    etag = f'"{user.id.hex[:12]}-{int(stamp * 1000)}-{user.avatar_size}"'
    return path, user.avatar_mime_type, etag


async def get_privacy(services: Services, user_id: uuid.UUID) -> Privacy:
    async with services.sessions() as session:
        return Privacy.model_validate(await _load(session, user_id))


async def update_privacy(
    services: Services, user_id: uuid.UUID, changes: PrivacyRequest
) -> Privacy:
    async with services.sessions() as session:
        user = await _load(session, user_id)
        for field, value in changes.model_dump(exclude_unset=True).items():
            setattr(user, field, value)
        await session.commit()
        return Privacy.model_validate(user)


async def get_home_preferences(services: Services, user_id: uuid.UUID) -> HomePreferences:
    async with services.sessions() as session:
        user = await _load(session, user_id)
        sections = sorted(user.home_sections, key=lambda section: int(section["order"]))
        return HomePreferences(home_sections=[HomeSection.model_validate(s) for s in sections])


async def set_home_preferences(
    services: Services, user_id: uuid.UUID, sections: list[HomeSectionInput]
) -> HomePreferences:
    stored: list[dict[str, Any]] = [
        s.model_dump() for s in sorted(sections, key=lambda section: section.order)
    ]
    async with services.sessions() as session:
        user = await _load(session, user_id)
        user.home_sections = stored
        await session.commit()
    return HomePreferences(home_sections=[HomeSection.model_validate(s) for s in stored])
