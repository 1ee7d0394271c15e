"""First-run wizard: admin account, library folder, optional API keys, completion."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path
from typing import Any

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import Conflict, Forbidden, InvalidInput
from echo.core.paths import count_audio_files, is_within, resolve_within
from echo.features.auth import passwords
from echo.features.setup import repository as state_file
from echo.features.setup.schemas import (
    ApiKeyHints,
    CompleteResponse,
    CreatedAdmin,
    Directory,
    DirectoryListing,
    LibraryValidation,
    MountedLibrary,
    SetupStatus,
)
from echo.features.system_settings import repository as settings_repository
from echo.features.users import repository as users
from echo.features.users.models import User

API_KEY_SETTINGS = {"lastfm": "metadata.lastfm", "fanart": "metadata.fanart"}
ROOT = "/"


def allowed_roots(services: Services) -> list[Path]:
    """Folders the browser may show: the configured roots and library folders that exist."""
    roots = {p.resolve() for p in [*services.settings.browse_roots, *services.settings.library]}
    return sorted(root for root in roots if root.is_dir())


async def _is_completed(services: Services) -> bool:
    state = state_file.read_state(services.settings.data_dir)
    if not state.get("completed"):
        return False
    async with services.sessions() as session:
        return await users.first_admin(session) is not None


async def ensure_not_completed(services: Services) -> None:
    if await _is_completed(services):
        raise Forbidden("Setup has already been completed")


async def status(services: Services) -> SetupStatus:
    data_dir = services.settings.data_dir
    async with services.sessions() as session:
        admin = await users.first_admin(session)
        keys = await settings_repository.get_values(
            session, [f"{prefix}.api_key" for prefix in API_KEY_SETTINGS.values()]
        )
    state = state_file.read_state(data_dir)
    completed = bool(state.get("completed")) and admin is not None
    library_path = state.get("musicLibraryPath")
    hints = {
        name: f"…{value[-4:]}"
        for name, prefix in API_KEY_SETTINGS.items()
        if (value := keys.get(f"{prefix}.api_key"))
    }
    return SetupStatus(
        needs_setup=not completed,
        has_admin=admin is not None,
        admin_username=admin.username if admin else None,
        admin_user_id=admin.id if admin else None,
        admin_has_avatar=bool(admin and admin.has_avatar),
        has_music_library=bool(library_path),
        music_library_path=library_path,
        setup_completed=completed,
        mounted_library=await asyncio.to_thread(_mounted_library, services.settings.library),
        api_key_hints=ApiKeyHints(**hints),
    )


def _mounted_library(folders: list[Path]) -> MountedLibrary | None:
    """The first configured library folder, offered to the wizard as a ready-made choice."""
    if not folders:
        return None
    folder = folders[0]
    mounted = folder.is_dir()
    count = count_audio_files(folder, max_depth=3, limit=10_000) if mounted else 0
    return MountedLibrary(
        path=str(folder), is_mounted=mounted, has_content=count > 0, file_count=count
    )


async def create_admin(services: Services, username: str, password: str) -> CreatedAdmin:
    """The first administrator; no forced password change since they chose the password."""
    passwords.check_username(username)
    passwords.check_policy(password)
    password_hash = await passwords.hash_password(password)
    data_dir = services.settings.data_dir
    async with services.sessions() as session:
        # Taken before the checks, so two wizards racing cannot both see "no admin yet".
        await state_file.lock_admin_step(session)
        if await users.first_admin(session) is not None:
            raise InvalidInput("An administrator already exists")
        if await users.get_by_username(session, username) is not None:
            raise Conflict(f"Username '{username}' is taken")
        if state_file.read_state(data_dir).get("completed"):
            # The database was reset under a completed setup: let the wizard run again.
            state_file.write_state(data_dir, {})
        admin = User(
            username=username,
            password_hash=password_hash,
            is_admin=True,
            must_change_password=False,
        )
        users.add(session, admin)
        await session.commit()
        return CreatedAdmin(id=admin.id, username=admin.username, is_admin=True)


async def delete_admins(services: Services) -> None:
    """Undo of the admin step, before completion only."""
    async with services.sessions() as session:
        for admin in await users.list_admins(session):
            await users.delete(session, admin)
        await session.commit()


def _listing(path: Path, roots: list[Path]) -> DirectoryListing:
    directories = []
    try:
        with os.scandir(path) as entries:
            candidates = sorted(
                (e for e in entries if not e.name.startswith(".") and _is_text(e.name)),
                key=lambda e: e.name.lower(),
            )
            for entry in candidates:
                try:
                    if not entry.is_dir():
                        continue
                    real = Path(entry.path).resolve()
                except (OSError, RuntimeError):  # broken link, symlink loop
                    continue
                if not is_within(real, roots):  # a symlink leading out of the allowed folders
                    continue
                readable = os.access(real, os.R_OK | os.X_OK)
                directories.append(
                    Directory(
                        name=entry.name,
                        path=str(real),
                        readable=readable,
                        has_music=readable and _has_music(real),
                    )
                )
    except PermissionError as error:
        raise Forbidden("The folder cannot be read") from error
    except OSError as error:
        raise InvalidInput(f"The folder cannot be listed: {error.strerror}") from error
    directories.sort(key=lambda d: (not d.has_music, d.name.lower()))
    parent = path.parent
    at_root = path in roots
    return DirectoryListing(
        current_path=str(path),
        parent_path=ROOT if at_root else str(parent),
        directories=directories,
        can_go_up=True,
    )


def _is_text(name: str) -> bool:
    """False for a name that is not valid UTF-8 on disk: it cannot be sent back as a path."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


def _has_music(folder: Path) -> bool:
    return count_audio_files(folder, max_depth=1, limit=1) > 0


def _roots_listing(roots: list[Path]) -> DirectoryListing:
    return DirectoryListing(
        current_path=ROOT,
        parent_path=None,
        directories=[
            Directory(
                name=str(root),
                path=str(root),
                readable=os.access(root, os.R_OK | os.X_OK),
                has_music=_has_music(root),
            )
            for root in roots
        ],
        can_go_up=False,
    )


def _check_folder(path: Path) -> None:
    """InvalidInput (or Forbidden) unless `path` is an existing folder."""
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError) as error:
        raise InvalidInput("The folder does not exist") from error
    except PermissionError as error:
        raise Forbidden("The folder cannot be read") from error
    except OSError as error:  # e.g. a name too long for the file system
        raise InvalidInput(f"The folder cannot be used: {error.strerror}") from error
    if not stat.S_ISDIR(info.st_mode):
        raise InvalidInput("The path is not a folder")


def _resolve_folder(raw: str, roots: list[Path]) -> Path:
    path = resolve_within(raw, roots)
    _check_folder(path)
    return path


async def browse(services: Services, raw: str) -> DirectoryListing:
    roots = allowed_roots(services)
    if raw.strip() in ("", ROOT):
        return await asyncio.to_thread(_roots_listing, roots)
    path = await asyncio.to_thread(_resolve_folder, raw, roots)
    return await asyncio.to_thread(_listing, path, roots)


def check_folder_name(name: str) -> None:
    if (
        name in (".", "..")
        or name.startswith(".")
        or any(char in name for char in "/\\\x00")
        or name != name.strip()
        or len(name.encode()) > 255
    ):
        raise InvalidInput("Folder name must be a plain name without slashes or a leading dot")


async def make_directory(services: Services, raw_parent: str, name: str) -> str:
    check_folder_name(name)
    roots = allowed_roots(services)
    parent = await asyncio.to_thread(_resolve_folder, raw_parent, roots)
    target = parent / name
    try:
        await asyncio.to_thread(target.mkdir)
    except FileExistsError as error:
        raise Conflict("A folder with that name already exists") from error
    except PermissionError as error:
        raise Forbidden("No permission to create a folder here") from error
    except OSError as error:
        raise InvalidInput(f"The folder cannot be created: {error.strerror}") from error
    return str(target)


async def set_library(services: Services, raw: str) -> LibraryValidation:
    roots = allowed_roots(services)
    path = await asyncio.to_thread(resolve_within, raw, roots)
    try:
        await asyncio.to_thread(_check_folder, path)
    except (InvalidInput, Forbidden) as problem:
        return LibraryValidation(valid=False, message=problem.message)
    if not os.access(path, os.R_OK | os.X_OK):
        return LibraryValidation(valid=False, message="The folder cannot be read")
    count = await asyncio.to_thread(count_audio_files, path)
    data_dir = services.settings.data_dir
    state = state_file.read_state(data_dir)
    state["musicLibraryPath"] = str(path)
    state_file.write_state(data_dir, state)
    message = f"Found {count} music files" if count else "The folder has no music files yet"
    return LibraryValidation(valid=True, message=message, file_count=count)


async def save_api_keys(services: Services, keys: dict[str, str | None]) -> None:
    async with services.sessions() as session:
        for name, value in keys.items():
            if value is None:
                continue
            prefix = API_KEY_SETTINGS[name]
            await settings_repository.put_value(session, f"{prefix}.api_key", value.strip())
            await settings_repository.put_value(
                session, f"{prefix}.enabled", "true" if value.strip() else "false"
            )
        await session.commit()


def default_settings(library_path: str, data_dir: Path) -> dict[str, str]:
    return {
        "library.music.path": library_path,
        "scanner.auto_watch.enabled": "true",
        "metadata.auto_enrich.enabled": "true",
        "metadata.auto_search_mbid.enabled": "false",
        "metadata.auto_search_mbid.confidence_threshold": "95",
        "metadata.storage.location": "centralized",
        "metadata.storage.path": str(data_dir / "metadata"),
    }


async def complete(services: Services) -> CompleteResponse:
    if await _is_completed(services):
        return CompleteResponse(success=True, message="Setup was already completed")
    data_dir = services.settings.data_dir
    state: dict[str, Any] = state_file.read_state(data_dir)
    library_path = state.get("musicLibraryPath")
    async with services.sessions() as session:
        if await users.first_admin(session) is None:
            raise InvalidInput("Create the administrator account first")
        if not library_path:
            raise InvalidInput("Choose the music library folder first")
        for key, value in default_settings(library_path, data_dir).items():
            if await settings_repository.get_value(session, key) is None or key.startswith(
                "library."
            ):
                await settings_repository.put_value(session, key, value)
        await session.commit()
    state.update(completed=True, completedAt=utcnow().isoformat(), version=1)
    state_file.write_state(data_dir, state)
    return CompleteResponse(success=True, message="Setup completed")
