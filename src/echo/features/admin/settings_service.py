"""The library folder and the server settings an administrator changes from the admin pages."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from echo.bootstrap import Services
from echo.core.errors import InvalidInput, NotFound
from echo.core.paths import count_audio_files, resolve_within
from echo.features.admin.schemas import (
    AdminSetting,
    AdminSettingList,
    LibraryInfo,
    LibraryPathResult,
    SettingChange,
)
from echo.features.setup import service as setup_service
from echo.features.system_settings import repository as settings_repository

LIBRARY_PATH_SETTING = "library.music.path"

# Only these keys are readable and writable here: the settings table also holds secrets (API keys,
# JWT secrets), which the original's "all rows" endpoint leaked. Values are (type, default).
EDITABLE_SETTINGS: dict[str, tuple[str, str]] = {
    "scanner.auto_watch.enabled": ("boolean", "true"),
    "metadata.auto_enrich.enabled": ("boolean", "true"),
    "lufs.auto_analysis.enabled": ("boolean", "true"),
    "dj.auto_analysis.enabled": ("boolean", "true"),
    "lufs.prefer_tags": ("boolean", "false"),
}
BOOLEANS = {"true": "true", "1": "true", "yes": "true", "on": "true"} | {
    "false": "false", "0": "false", "no": "false", "off": "false",
}  # fmt: skip


def _inspect(path: Path) -> tuple[bool, bool, int]:
    exists = path.is_dir()
    readable = exists and os.access(path, os.R_OK | os.X_OK)
    return exists, readable, count_audio_files(path) if readable else 0


async def library_info(services: Services) -> LibraryInfo:
    async with services.sessions() as session:
        chosen = await settings_repository.get_value(session, LIBRARY_PATH_SETTING)
    mounted = [str(path) for path in services.settings.library]
    current = chosen or (mounted[0] if mounted else None)
    if current is None:
        return LibraryInfo(
            path=None, exists=False, readable=False, file_count=0, mounted_paths=mounted
        )
    exists, readable, count = await asyncio.to_thread(_inspect, Path(current))
    return LibraryInfo(
        path=current, exists=exists, readable=readable, file_count=count, mounted_paths=mounted
    )


async def set_library_path(services: Services, raw: str) -> LibraryPathResult:
    """The folder must lie under the browsable roots and be a readable folder (else 400/403)."""
    roots = setup_service.allowed_roots(services)
    path = await asyncio.to_thread(resolve_within, raw, roots)
    exists, readable, count = await asyncio.to_thread(_inspect, path)
    if not exists:
        raise InvalidInput("The folder does not exist")
    if not readable:
        raise InvalidInput("The folder cannot be read")
    async with services.sessions() as session:
        await settings_repository.put_value(session, LIBRARY_PATH_SETTING, str(path))
        await session.commit()
    message = f"Found {count} music files" if count else "The folder has no music files yet"
    return LibraryPathResult(success=True, message=message, path=str(path), file_count=count)


async def list_settings(services: Services) -> AdminSettingList:
    async with services.sessions() as session:
        stored = await settings_repository.get_values(session, list(EDITABLE_SETTINGS))
    return AdminSettingList(
        settings=[
            AdminSetting(
                key=key, value=stored.get(key, default), type=kind, is_default=key not in stored
            )
            for key, (kind, default) in EDITABLE_SETTINGS.items()
        ]
    )


async def set_setting(services: Services, key: str, raw: str) -> SettingChange:
    if key not in EDITABLE_SETTINGS:
        raise NotFound(f"No setting '{key}' can be changed here")
    kind, _ = EDITABLE_SETTINGS[key]
    value = raw.strip()
    if kind == "boolean":
        if value.lower() not in BOOLEANS:
            raise InvalidInput(f"{key} must be true or false")
        value = BOOLEANS[value.lower()]
    async with services.sessions() as session:
        old = await settings_repository.get_value(session, key)
        await settings_repository.put_value(session, key, value)
        await session.commit()
    return SettingChange(success=True, key=key, old_value=old, new_value=value, created=old is None)
