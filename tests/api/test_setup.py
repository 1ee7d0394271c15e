"""The first-run wizard (/api/setup), on both storage tiers."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select

from echo.bootstrap import Services
from echo.features.system_settings.models import SystemSetting
from echo.features.users import repository as users
from echo.settings import Settings
from tests.builders import create_user, login

ADMIN_PASSWORD = "Adm1n-password!"


@pytest.fixture(autouse=True)
def _tmp_path_is_real(tmp_path: Path) -> None:
    # The server answers with real paths; the expectations below use tmp_path as is.
    assert tmp_path == tmp_path.resolve()


@pytest.fixture
def music(library_dir: Path) -> Path:
    """The library folder with three audio files among other things."""
    (library_dir / "one.mp3").write_bytes(b"not really audio")
    (library_dir / "two.flac").write_bytes(b"not really audio")
    album = library_dir / "Album"
    album.mkdir()
    (album / "three.MP3").write_bytes(b"not really audio")
    (album / "cover.jpg").write_bytes(b"not audio")
    (album / "notes.txt").write_text("not audio")
    (library_dir / ".hidden.mp3").write_bytes(b"hidden files do not count")
    return library_dir


@pytest.fixture
def browse_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "browse"
    folder.mkdir()
    return folder


async def create_admin(
    client: AsyncClient, username: str = "admin", password: str = ADMIN_PASSWORD
) -> Response:
    return await client.post("/api/setup/admin", json={"username": username, "password": password})


async def complete_setup(client: AsyncClient, library: Path) -> None:
    assert (await create_admin(client)).status_code == 201
    assert (await client.post("/api/setup/library", json={"path": str(library)})).status_code == 200
    assert (await client.post("/api/setup/complete")).status_code == 200


async def settings_rows(services: Services) -> dict[str, str]:
    async with services.sessions() as session:
        rows = await session.scalars(select(SystemSetting))
        return {row.key: row.value for row in rows}


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def state_file(settings: Settings) -> dict[str, object]:
    state: dict[str, object] = json.loads((settings.data_dir / "setup.json").read_text())
    return state


# --- status -------------------------------------------------------------------------------------


async def test_status_of_a_fresh_install_needs_setup_and_offers_the_mounted_library(
    client: AsyncClient, music: Path
) -> None:
    response = await client.get("/api/setup/status")
    assert response.status_code == 200
    body = response.json()
    assert body["needsSetup"] is True
    assert body["hasAdmin"] is False
    assert body["adminUsername"] is None
    assert body["adminUserId"] is None
    assert body["setupCompleted"] is False
    assert body["hasMusicLibrary"] is False
    assert body["musicLibraryPath"] is None
    assert body["mountedLibrary"] == {
        "path": str(music),
        "isMounted": True,
        "hasContent": True,
        "fileCount": 3,
    }
    assert body["apiKeyHints"] == {"lastfm": None, "fanart": None}


async def test_status_reports_an_empty_mounted_library_as_without_content(
    client: AsyncClient, library_dir: Path
) -> None:
    (library_dir / "readme.txt").write_text("no music here")
    mounted = (await client.get("/api/setup/status")).json()["mountedLibrary"]
    assert mounted == {
        "path": str(library_dir),
        "isMounted": True,
        "hasContent": False,
        "fileCount": 0,
    }


async def test_status_names_the_admin_once_created(client: AsyncClient) -> None:
    created = (await create_admin(client, "boss")).json()
    body = (await client.get("/api/setup/status")).json()
    assert body["hasAdmin"] is True
    assert body["adminUsername"] == "boss"
    assert body["adminUserId"] == created["id"]
    assert body["adminHasAvatar"] is False
    assert body["needsSetup"] is True


async def test_status_hints_expose_only_the_last_four_characters_of_api_keys(
    client: AsyncClient,
) -> None:
    lastfm, fanart = "0123456789abcdefLASTFM-9f3c", "fanart-key-secret-77e1"
    saved = await client.post("/api/setup/api-keys", json={"lastfm": lastfm, "fanart": fanart})
    assert saved.status_code == 204
    response = await client.get("/api/setup/status")
    hints = response.json()["apiKeyHints"]
    assert hints["lastfm"].endswith("9f3c")
    assert hints["fanart"].endswith("77e1")
    assert "LASTFM" not in response.text
    assert "secret" not in response.text
    assert len(hints["lastfm"].replace("9f3c", "")) <= 1


# --- admin ----------------------------------------------------------------------------------------


async def test_create_admin_makes_an_administrator_who_logs_in_without_a_forced_change(
    client: AsyncClient,
) -> None:
    response = await create_admin(client, "boss")
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "boss"
    assert body["isAdmin"] is True
    logged_in = await client.post(
        "/api/auth/login", json={"username": "boss", "password": ADMIN_PASSWORD}
    )
    assert logged_in.status_code == 200
    assert logged_in.json()["mustChangePassword"] is False
    token = logged_in.json()["accessToken"]
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user"]["isAdmin"] is True
    assert me.json()["user"]["mustChangePassword"] is False


@pytest.mark.parametrize(
    "password",
    ["Sh0rt!", "no-upper-case-1", "NO-LOWER-CASE-1", "No-digits-here", "NoSpecial1234"],
)
async def test_create_admin_enforces_the_password_policy(
    client: AsyncClient, password: str
) -> None:
    response = await create_admin(client, password=password)
    assert response.status_code == 400
    assert "assword" in response.json()["message"]
    assert (await client.get("/api/setup/status")).json()["hasAdmin"] is False


@pytest.mark.parametrize("username", ["ab", "with space", "semi;colon", "x" * 51])
async def test_create_admin_refuses_an_invalid_username(client: AsyncClient, username: str) -> None:
    response = await create_admin(client, username=username)
    assert response.status_code == 400


async def test_a_second_admin_is_refused_with_400(client: AsyncClient) -> None:
    assert (await create_admin(client, "first")).status_code == 201
    second = await create_admin(client, "second")
    assert second.status_code == 400
    assert "already exists" in second.json()["message"]


async def test_concurrent_admin_creations_make_only_one_admin(
    client: AsyncClient, services: Services
) -> None:
    responses = await asyncio.gather(
        *(create_admin(client, name) for name in ("first", "second", "third"))
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 400, 400]
    async with services.sessions() as session:
        assert len(await users.list_admins(session)) == 1


async def test_concurrent_admin_creations_with_one_username_make_one_admin(
    client: AsyncClient, services: Services
) -> None:
    responses = await asyncio.gather(*(create_admin(client, "boss") for _ in range(3)))
    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 201
    assert all(status in (400, 409) for status in statuses[1:])
    async with services.sessions() as session:
        assert len(await users.list_admins(session)) == 1


async def test_create_admin_refuses_the_name_of_an_existing_regular_user(
    client: AsyncClient, services: Services
) -> None:
    await create_user(services, "alice")
    response = await create_admin(client, "Alice")
    assert response.status_code == 409


async def test_delete_admin_undoes_the_admin_step(client: AsyncClient) -> None:
    assert (await create_admin(client, "first")).status_code == 201
    assert (await client.delete("/api/setup/admin")).status_code == 204
    status = (await client.get("/api/setup/status")).json()
    assert status["hasAdmin"] is False
    assert status["adminUsername"] is None
    assert (await create_admin(client, "second")).status_code == 201


async def test_delete_admin_works_after_the_admin_has_logged_in(client: AsyncClient) -> None:
    assert (await create_admin(client, "boss")).status_code == 201
    admin = await login(client, "boss", ADMIN_PASSWORD)
    assert (await client.delete("/api/setup/admin")).status_code == 204
    assert (await client.get("/api/auth/me", headers=admin.headers)).status_code == 401
    refresh = await client.post("/api/auth/refresh", json={"refreshToken": admin.refresh_token})
    assert refresh.status_code == 401


# --- browse ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", ""])
async def test_browse_at_the_top_lists_the_allowed_roots(
    client: AsyncClient, tmp_path: Path, music: Path, path: str
) -> None:
    response = await client.post("/api/setup/browse", json={"path": path})
    assert response.status_code == 200
    body = response.json()
    assert body["currentPath"] == "/"
    assert body["parentPath"] is None
    assert body["canGoUp"] is False
    by_path = {entry["path"]: entry for entry in body["directories"]}
    assert set(by_path) == {str(tmp_path), str(music)}
    assert by_path[str(music)]["hasMusic"] is True


async def test_browse_lists_folders_with_music_first_and_skips_hidden_ones(
    client: AsyncClient, browse_dir: Path
) -> None:
    for name in ("alpha", "Beta", "zulu", ".hidden", "Mixed"):
        (browse_dir / name).mkdir()
    (browse_dir / "Beta" / "song.flac").write_bytes(b"x")
    (browse_dir / "zulu" / "song.mp3").write_bytes(b"x")
    (browse_dir / ".hidden" / "song.mp3").write_bytes(b"x")
    (browse_dir / "Mixed" / "readme.txt").write_text("x")
    (browse_dir / "loose.mp3").write_bytes(b"files are not listed")

    response = await client.post("/api/setup/browse", json={"path": str(browse_dir)})
    assert response.status_code == 200
    body = response.json()
    assert [entry["name"] for entry in body["directories"]] == ["Beta", "zulu", "alpha", "Mixed"]
    assert [entry["hasMusic"] for entry in body["directories"]] == [True, True, False, False]
    beta = body["directories"][0]
    assert beta["path"] == str(browse_dir / "Beta")
    assert beta["readable"] is True
    assert body["currentPath"] == str(browse_dir)
    assert body["parentPath"] == str(browse_dir.parent)
    assert body["canGoUp"] is True


async def test_browse_of_a_root_leads_up_to_the_roots_listing(
    client: AsyncClient, tmp_path: Path
) -> None:
    body = (await client.post("/api/setup/browse", json={"path": str(tmp_path)})).json()
    assert body["parentPath"] == "/"
    assert body["canGoUp"] is True


@pytest.mark.parametrize("suffix", ["/..", "/../..", "/browse/../../etc"])
async def test_browse_refuses_dot_dot_traversal_out_of_the_roots(
    client: AsyncClient, tmp_path: Path, browse_dir: Path, suffix: str
) -> None:
    response = await client.post("/api/setup/browse", json={"path": f"{tmp_path}{suffix}"})
    assert response.status_code == 403


async def test_browse_refuses_a_folder_outside_the_roots(client: AsyncClient) -> None:
    response = await client.post("/api/setup/browse", json={"path": "/etc"})
    assert response.status_code == 403


async def test_browse_refuses_a_symlink_leading_outside_the_roots(
    client: AsyncClient, browse_dir: Path
) -> None:
    (browse_dir / "inside").mkdir()
    (browse_dir / "escape").symlink_to("/etc")
    listing = (await client.post("/api/setup/browse", json={"path": str(browse_dir)})).json()
    assert [entry["name"] for entry in listing["directories"]] == ["inside"]
    for path in (browse_dir / "escape", browse_dir / "escape" / "ssl"):
        response = await client.post("/api/setup/browse", json={"path": str(path)})
        assert response.status_code == 403, path


async def test_browse_follows_a_symlink_that_stays_inside_the_roots(
    client: AsyncClient, browse_dir: Path, music: Path
) -> None:
    (browse_dir / "shortcut").symlink_to(music)
    listing = (await client.post("/api/setup/browse", json={"path": str(browse_dir)})).json()
    assert listing["directories"] == [
        {"name": "shortcut", "path": str(music), "readable": True, "hasMusic": True}
    ]


async def test_browse_skips_a_symlink_loop_and_refuses_to_enter_it(
    client: AsyncClient, browse_dir: Path
) -> None:
    (browse_dir / "ring-a").symlink_to(browse_dir / "ring-b")
    (browse_dir / "ring-b").symlink_to(browse_dir / "ring-a")
    (browse_dir / "real").mkdir()
    listing = await client.post("/api/setup/browse", json={"path": str(browse_dir)})
    assert listing.status_code == 200
    assert [entry["name"] for entry in listing.json()["directories"]] == ["real"]
    response = await client.post("/api/setup/browse", json={"path": str(browse_dir / "ring-a")})
    assert response.status_code == 400


async def test_browse_skips_folders_whose_names_are_not_utf8(
    client: AsyncClient, browse_dir: Path
) -> None:
    (browse_dir / os.fsdecode(b"caf\xe9")).mkdir()  # Latin-1 on disk
    (browse_dir / "plain").mkdir()
    response = await client.post("/api/setup/browse", json={"path": str(browse_dir)})
    assert response.status_code == 200
    assert [entry["name"] for entry in response.json()["directories"]] == ["plain"]


async def test_browse_refuses_a_nul_byte_with_400(client: AsyncClient, browse_dir: Path) -> None:
    response = await client.post("/api/setup/browse", json={"path": f"{browse_dir}\x00/etc"})
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]


async def test_browse_refuses_text_that_cannot_be_a_file_name(
    client: AsyncClient, browse_dir: Path
) -> None:
    body = '{"path": "' + str(browse_dir) + '/\\ud800"}'
    response = await client.post(
        "/api/setup/browse", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


async def test_browse_of_a_missing_folder_is_a_400(client: AsyncClient, browse_dir: Path) -> None:
    response = await client.post("/api/setup/browse", json={"path": str(browse_dir / "nope")})
    assert response.status_code == 400
    assert "does not exist" in response.json()["message"]


async def test_browse_of_a_file_is_a_400(client: AsyncClient, music: Path) -> None:
    response = await client.post("/api/setup/browse", json={"path": str(music / "one.mp3")})
    assert response.status_code == 400


async def test_browse_of_an_overlong_name_is_a_400(client: AsyncClient, browse_dir: Path) -> None:
    response = await client.post("/api/setup/browse", json={"path": f"{browse_dir}/{'n' * 300}"})
    assert response.status_code == 400


@pytest.mark.parametrize("path", ["browse", "./browse", "~", "~nosuchuser/music"])
async def test_browse_refuses_relative_and_home_relative_paths(
    client: AsyncClient, browse_dir: Path, path: str
) -> None:
    response = await client.post("/api/setup/browse", json={"path": path})
    assert response.status_code == 400
    assert "absolute" in response.json()["message"]


async def test_browse_refuses_a_path_that_is_not_text(client: AsyncClient) -> None:
    response = await client.post("/api/setup/browse", json={"path": ["/"]})
    assert response.status_code == 400


# --- mkdir ----------------------------------------------------------------------------------------


async def test_mkdir_creates_a_folder(client: AsyncClient, browse_dir: Path) -> None:
    response = await client.post(
        "/api/setup/browse/mkdir", json={"path": str(browse_dir), "name": "New Music"}
    )
    assert response.status_code == 201
    created = browse_dir / "New Music"
    assert response.json() == {"path": str(created)}
    assert created.is_dir()


@pytest.mark.parametrize(
    "name", ["a/b", "..", ".", ".hidden", "back\\slash", " padded", "nul\x00byte", "", "x" * 256]
)
async def test_mkdir_refuses_a_name_that_is_not_a_plain_folder_name(
    client: AsyncClient, browse_dir: Path, name: str
) -> None:
    response = await client.post(
        "/api/setup/browse/mkdir", json={"path": str(browse_dir), "name": name}
    )
    assert response.status_code == 400
    assert names_in(browse_dir) == []
    assert not (browse_dir.parent / "b").exists()


async def test_mkdir_of_an_existing_folder_is_a_409(client: AsyncClient, browse_dir: Path) -> None:
    (browse_dir / "taken").mkdir()
    response = await client.post(
        "/api/setup/browse/mkdir", json={"path": str(browse_dir), "name": "taken"}
    )
    assert response.status_code == 409


async def test_mkdir_over_an_existing_file_is_a_409(client: AsyncClient, browse_dir: Path) -> None:
    (browse_dir / "taken").write_text("a file")
    response = await client.post(
        "/api/setup/browse/mkdir", json={"path": str(browse_dir), "name": "taken"}
    )
    assert response.status_code == 409
    assert (browse_dir / "taken").read_text() == "a file"


@pytest.mark.parametrize("parent", ["{tmp}/../..", "{tmp}/..", "{tmp}/browse/escape"])
async def test_mkdir_refuses_a_parent_outside_the_roots(
    client: AsyncClient, tmp_path: Path, browse_dir: Path, parent: str
) -> None:
    (browse_dir / "escape").symlink_to(tmp_path.parent)
    response = await client.post(
        "/api/setup/browse/mkdir",
        json={"path": parent.format(tmp=tmp_path), "name": f"echo-{tmp_path.name}"},
    )
    assert response.status_code == 403
    assert not (tmp_path.parent / f"echo-{tmp_path.name}").exists()
    assert not (tmp_path.parent.parent / f"echo-{tmp_path.name}").exists()


async def test_mkdir_in_a_missing_parent_is_a_400(client: AsyncClient, browse_dir: Path) -> None:
    response = await client.post(
        "/api/setup/browse/mkdir", json={"path": str(browse_dir / "nope"), "name": "child"}
    )
    assert response.status_code == 400
    assert not (browse_dir / "nope").exists()


# --- library --------------------------------------------------------------------------------------


async def test_library_validation_counts_audio_files_and_remembers_the_folder(
    client: AsyncClient, music: Path, settings: Settings
) -> None:
    response = await client.post("/api/setup/library", json={"path": str(music)})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["fileCount"] == 3
    assert "3" in body["message"]
    assert state_file(settings)["musicLibraryPath"] == str(music)
    status = (await client.get("/api/setup/status")).json()
    assert status["hasMusicLibrary"] is True
    assert status["musicLibraryPath"] == str(music)


async def test_library_validation_accepts_an_empty_folder(
    client: AsyncClient, browse_dir: Path
) -> None:
    body = (await client.post("/api/setup/library", json={"path": str(browse_dir)})).json()
    assert body["valid"] is True
    assert body["fileCount"] == 0


async def test_library_validation_of_a_missing_folder_is_not_valid(
    client: AsyncClient, browse_dir: Path, settings: Settings
) -> None:
    response = await client.post("/api/setup/library", json={"path": str(browse_dir / "nope")})
    assert response.status_code == 200
    assert response.json()["valid"] is False
    assert response.json()["fileCount"] is None
    assert not (settings.data_dir / "setup.json").exists()


async def test_library_validation_of_a_file_is_not_valid(client: AsyncClient, music: Path) -> None:
    response = await client.post("/api/setup/library", json={"path": str(music / "one.mp3")})
    assert response.status_code == 200
    assert response.json()["valid"] is False


async def test_library_validation_of_an_overlong_name_is_not_valid(
    client: AsyncClient, browse_dir: Path
) -> None:
    response = await client.post("/api/setup/library", json={"path": f"{browse_dir}/{'n' * 300}"})
    assert response.status_code == 200
    assert response.json()["valid"] is False


@pytest.mark.parametrize("path", ["/etc", "{tmp}/../..", "{tmp}/browse/escape"])
async def test_library_validation_refuses_a_folder_outside_the_roots(
    client: AsyncClient, tmp_path: Path, browse_dir: Path, settings: Settings, path: str
) -> None:
    (browse_dir / "escape").symlink_to("/etc")
    response = await client.post("/api/setup/library", json={"path": path.format(tmp=tmp_path)})
    assert response.status_code == 403
    assert not (settings.data_dir / "setup.json").exists()


@pytest.mark.parametrize("path", ["", "music", "/music\x00"])
async def test_library_validation_refuses_a_path_that_is_not_absolute(
    client: AsyncClient, music: Path, path: str
) -> None:
    response = await client.post("/api/setup/library", json={"path": path})
    assert response.status_code == 400


# --- api keys -------------------------------------------------------------------------------------


async def test_api_keys_are_stored_in_the_settings_table_and_enable_the_agents(
    client: AsyncClient, services: Services
) -> None:
    response = await client.post(
        "/api/setup/api-keys", json={"lastfm": " lastfm-key-1234 ", "fanart": "fanart-key-5678"}
    )
    assert response.status_code == 204
    rows = await settings_rows(services)
    assert rows["metadata.lastfm.api_key"] == "lastfm-key-1234"
    assert rows["metadata.lastfm.enabled"] == "true"
    assert rows["metadata.fanart.api_key"] == "fanart-key-5678"
    assert rows["metadata.fanart.enabled"] == "true"


async def test_api_keys_left_out_are_not_touched(client: AsyncClient, services: Services) -> None:
    await client.post(
        "/api/setup/api-keys", json={"lastfm": "first-key-1111", "fanart": "fan-2222"}
    )
    response = await client.post("/api/setup/api-keys", json={"lastfm": "second-key-3333"})
    assert response.status_code == 204
    rows = await settings_rows(services)
    assert rows["metadata.lastfm.api_key"] == "second-key-3333"
    assert rows["metadata.fanart.api_key"] == "fan-2222"


async def test_an_empty_api_key_disables_the_agent(client: AsyncClient, services: Services) -> None:
    await client.post("/api/setup/api-keys", json={"lastfm": "first-key-1111"})
    assert (await client.post("/api/setup/api-keys", json={"lastfm": "  "})).status_code == 204
    rows = await settings_rows(services)
    assert rows["metadata.lastfm.enabled"] == "false"
    assert rows["metadata.lastfm.api_key"] == ""
    assert (await client.get("/api/setup/status")).json()["apiKeyHints"]["lastfm"] is None


@pytest.mark.parametrize(
    "body",
    [{"lastfm": "k" * 257}, {"spotify": "key"}, {"lastfm": 1234}, {"fanart": "bad\x00key"}],
)
async def test_bad_api_keys_are_refused_with_400(
    client: AsyncClient, services: Services, body: dict[str, object]
) -> None:
    response = await client.post("/api/setup/api-keys", json=body)
    assert response.status_code == 400
    assert await settings_rows(services) == {}


# --- complete -------------------------------------------------------------------------------------


async def test_complete_without_an_admin_is_a_400(client: AsyncClient, music: Path) -> None:
    await client.post("/api/setup/library", json={"path": str(music)})
    response = await client.post("/api/setup/complete")
    assert response.status_code == 400
    assert "administrator" in response.json()["message"]


async def test_complete_without_a_library_is_a_400(client: AsyncClient, settings: Settings) -> None:
    await create_admin(client)
    response = await client.post("/api/setup/complete")
    assert response.status_code == 400
    assert "library" in response.json()["message"]
    assert not (settings.data_dir / "setup.json").exists()


async def test_complete_writes_the_state_file_and_seeds_default_settings(
    client: AsyncClient, music: Path, settings: Settings, services: Services
) -> None:
    await create_admin(client)
    await client.post("/api/setup/library", json={"path": str(music)})
    response = await client.post("/api/setup/complete")
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Setup completed"}

    state = state_file(settings)
    assert state["completed"] is True
    assert state["version"] == 1
    assert isinstance(state["completedAt"], str)
    assert state["musicLibraryPath"] == str(music)

    rows = await settings_rows(services)
    assert rows["library.music.path"] == str(music)
    assert rows["scanner.auto_watch.enabled"] == "true"
    assert rows["metadata.auto_enrich.enabled"] == "true"
    assert rows["metadata.storage.location"] == "centralized"
    assert rows["metadata.storage.path"] == str(settings.data_dir / "metadata")

    status = (await client.get("/api/setup/status")).json()
    assert status["needsSetup"] is False
    assert status["setupCompleted"] is True


async def test_complete_keeps_settings_the_admin_already_chose(
    client: AsyncClient, music: Path, services: Services
) -> None:
    await client.post("/api/setup/api-keys", json={"lastfm": "lastfm-key-1234"})
    await complete_setup(client, music)
    rows = await settings_rows(services)
    assert rows["metadata.lastfm.api_key"] == "lastfm-key-1234"
    assert rows["metadata.lastfm.enabled"] == "true"


async def test_after_completion_every_mutating_endpoint_answers_403(
    client: AsyncClient, music: Path, browse_dir: Path, services: Services
) -> None:
    await complete_setup(client, music)
    attempts = [
        ("POST", "/api/setup/admin", {"username": "intruder", "password": ADMIN_PASSWORD}),
        ("DELETE", "/api/setup/admin", None),
        ("POST", "/api/setup/library", {"path": str(browse_dir)}),
        ("POST", "/api/setup/browse", {"path": "/"}),
        ("POST", "/api/setup/browse/mkdir", {"path": str(browse_dir), "name": "new"}),
        ("POST", "/api/setup/api-keys", {"lastfm": "stolen-key"}),
    ]
    for method, url, body in attempts:
        response = await client.request(method, url, json=body)
        assert response.status_code == 403, url
    assert names_in(browse_dir) == []
    async with services.sessions() as session:
        admins = await users.list_admins(session)
    assert [admin.username for admin in admins] == ["admin"]
    assert "metadata.lastfm.api_key" not in await settings_rows(services)


async def test_complete_again_answers_already_completed(
    client: AsyncClient, music: Path, settings: Settings
) -> None:
    await complete_setup(client, music)
    first_completion = state_file(settings)["completedAt"]
    response = await client.post("/api/setup/complete")
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert "already" in response.json()["message"]
    assert state_file(settings)["completedAt"] == first_completion


async def test_the_wizard_runs_again_when_the_database_lost_its_admin(
    client: AsyncClient, music: Path, settings: Settings, services: Services
) -> None:
    await complete_setup(client, music)
    async with services.sessions() as session:
        for admin in await users.list_admins(session):
            await users.delete(session, admin)
        await session.commit()

    status = (await client.get("/api/setup/status")).json()
    assert status["needsSetup"] is True
    assert status["setupCompleted"] is False
    browse = await client.post("/api/setup/browse", json={"path": "/"})
    assert browse.status_code == 200

    assert (await create_admin(client, "newboss")).status_code == 201
    assert state_file(settings).get("completed") is not True
    assert (await client.post("/api/setup/library", json={"path": str(music)})).status_code == 200
    done = await client.post("/api/setup/complete")
    assert done.status_code == 200
    assert done.json()["message"] == "Setup completed"
    assert state_file(settings)["completed"] is True
    assert (await client.get("/api/setup/status")).json()["adminUsername"] == "newboss"


async def test_status_stays_readable_after_completion(client: AsyncClient, music: Path) -> None:
    await complete_setup(client, music)
    response = await client.get("/api/setup/status")
    assert response.status_code == 200
    assert response.json()["adminUsername"] == "admin"
