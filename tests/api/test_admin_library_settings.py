"""The library folder (/api/admin/library) and the admin pages' settings (/api/admin/settings)."""

from __future__ import annotations

from pathlib import Path

from httpx import AsyncClient

from echo.bootstrap import Services
from tests.builders import create_and_login

LIBRARY = "/api/admin/library"
SETTINGS = "/api/admin/settings"


async def test_an_admin_sees_and_changes_the_library_folder(
    services: Services, client: AsyncClient, library_dir: Path, tmp_path: Path
) -> None:
    admin = await create_and_login(services, client, "root", admin=True)
    (library_dir / "song.mp3").write_bytes(b"x")
    other = tmp_path / "other"
    (other / "disc").mkdir(parents=True)
    for name in ("a.flac", "disc/b.ogg", "notes.txt"):
        (other / name).write_bytes(b"x")

    before = (await client.get(LIBRARY, headers=admin.headers)).json()
    assert before["path"] == str(library_dir)
    assert before["exists"] and before["readable"] and before["fileCount"] == 1

    changed = await client.put(LIBRARY, json={"path": str(other)}, headers=admin.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        "success": True,
        "message": "Found 2 music files",
        "path": str(other.resolve()),
        "fileCount": 2,
    }
    after = (await client.get(LIBRARY, headers=admin.headers)).json()
    assert after["path"] == str(other.resolve()) and after["fileCount"] == 2

    listing = await client.post(
        f"{LIBRARY}/browse", json={"path": str(other)}, headers=admin.headers
    )
    assert [d["name"] for d in listing.json()["directories"]] == ["disc"]


async def test_the_library_folder_must_exist_inside_the_browsable_roots(
    services: Services, client: AsyncClient, tmp_path: Path
) -> None:
    admin = await create_and_login(services, client, "root", admin=True)
    missing = await client.put(
        LIBRARY, json={"path": str(tmp_path / "nope")}, headers=admin.headers
    )
    assert missing.status_code == 400
    assert missing.json()["message"] == "The folder does not exist"
    outside = await client.put(LIBRARY, json={"path": "/etc"}, headers=admin.headers)
    assert outside.status_code == 403


async def test_settings_list_defaults_and_keep_changes(
    services: Services, client: AsyncClient
) -> None:
    admin = await create_and_login(services, client, "root", admin=True)
    listed = (await client.get(SETTINGS, headers=admin.headers)).json()["settings"]
    dj = next(item for item in listed if item["key"] == "dj.auto_analysis.enabled")
    assert dj == {
        "key": "dj.auto_analysis.enabled",
        "value": "true",
        "type": "boolean",
        "isDefault": True,
    }
    assert not any("api_key" in item["key"] or "secret" in item["key"] for item in listed)

    answer = await client.put(
        f"{SETTINGS}/dj.auto_analysis.enabled", json={"value": "off"}, headers=admin.headers
    )
    assert answer.json() == {
        "success": True,
        "key": "dj.auto_analysis.enabled",
        "oldValue": None,
        "newValue": "false",
        "created": True,
    }
    listed = (await client.get(SETTINGS, headers=admin.headers)).json()["settings"]
    dj = next(item for item in listed if item["key"] == "dj.auto_analysis.enabled")
    assert dj["value"] == "false" and not dj["isDefault"]


async def test_settings_refuse_unknown_keys_bad_values_and_regular_users(
    services: Services, client: AsyncClient
) -> None:
    admin = await create_and_login(services, client, "root", admin=True)
    user = await create_and_login(services, client, "someone")
    unknown = await client.put(f"{SETTINGS}/jwt.secret", json={"value": "x"}, headers=admin.headers)
    assert unknown.status_code == 404
    bad = await client.put(
        f"{SETTINGS}/lufs.auto_analysis.enabled", json={"value": "maybe"}, headers=admin.headers
    )
    assert bad.status_code == 400
    assert bad.json()["message"] == "lufs.auto_analysis.enabled must be true or false"
    for response in (
        await client.get(SETTINGS, headers=user.headers),
        await client.get(LIBRARY, headers=user.headers),
    ):
        assert response.status_code == 403
