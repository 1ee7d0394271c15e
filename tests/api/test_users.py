"""Self-service account settings (/api/users) and the avatar image, on both storage tiers."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient, Response
from PIL import Image

from echo.bootstrap import Services
from echo.features.users import repository as users
from echo.features.users.models import HOME_SECTION_IDS, User
from echo.settings import Settings
from tests.builders import DEFAULT_PASSWORD, LoggedIn, create_and_login, login
from tests.conftest import make_settings

AVATAR_LIMIT = 16 * 1024
NEW_PASSWORD = "N3w-password!"
IMAGE_FORMATS = [
    ("JPEG", "image/jpeg", "jpg"),
    ("PNG", "image/png", "png"),
    ("WEBP", "image/webp", "webp"),
]


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    """The usual settings with a small avatar limit, so an oversize image stays small."""
    return make_settings(
        backend, database_urls, tmp_path, library_dir, avatar_max_bytes=AVATAR_LIMIT
    )


def image_bytes(pillow_format: str, color: tuple[int, int, int] = (200, 30, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), color).save(buffer, format=pillow_format)
    return buffer.getvalue()


def noise_image(pillow_format: str, side: int) -> bytes:
    """An image of random pixels, which does not compress: a PNG is about 3 bytes a pixel."""
    buffer = io.BytesIO()
    pixels = os.urandom(side * side * 3)
    Image.frombytes("RGB", (side, side), pixels).save(buffer, format=pillow_format)
    return buffer.getvalue()


async def upload(
    client: AsyncClient,
    user: LoggedIn,
    data: bytes,
    filename: str = "me.png",
    content_type: str = "image/png",
) -> Response:
    return await client.post(
        "/api/users/avatar", headers=user.headers, files={"file": (filename, data, content_type)}
    )


async def stored_user(services: Services, user_id: str) -> User:
    async with services.sessions() as session:
        user = await users.get(session, uuid.UUID(user_id))
    assert user is not None
    return user


def avatar_files(settings: Settings, user_id: str) -> list[str]:
    folder = settings.data_dir / "uploads" / "users" / user_id
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def sections(order: list[str], enabled: set[str]) -> list[dict[str, Any]]:
    return [
        {"id": section, "enabled": section in enabled, "order": position}
        for position, section in enumerate(order)
    ]


# --- password -------------------------------------------------------------------------------------


async def test_password_change_lets_the_new_password_log_in_and_not_the_old(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
    )
    assert response.status_code == 204
    old = await client.post(
        "/api/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    await login(client, "alice", NEW_PASSWORD)


async def test_password_change_requires_the_current_password(
    client: AsyncClient, alice: LoggedIn
) -> None:
    for body in (
        {"newPassword": NEW_PASSWORD},
        {"currentPassword": "", "newPassword": NEW_PASSWORD},
    ):
        response = await client.put("/api/users/password", headers=alice.headers, json=body)
        assert response.status_code == 400
        assert "currentPassword" in response.json()["message"]
    await login(client, "alice", DEFAULT_PASSWORD)


async def test_password_change_with_a_wrong_current_password_is_a_401(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": "Wr0ng-password!", "newPassword": NEW_PASSWORD},
    )
    assert response.status_code == 401
    await login(client, "alice", DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    ("new_password", "problem"),
    [
        ("Sh0rt!", "8 to 128"),
        ("no-upper-case-1", "upper-case"),
        ("NO-LOWER-CASE-1", "lower-case"),
        ("No-digits-here", "digit"),
        ("NoSpecial1234", "special"),
    ],
)
async def test_password_change_enforces_the_policy_with_a_message(
    client: AsyncClient, alice: LoggedIn, new_password: str, problem: str
) -> None:
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": new_password},
    )
    assert response.status_code == 400
    assert problem in response.json()["message"]
    await login(client, "alice", DEFAULT_PASSWORD)


async def test_password_change_refuses_an_overlong_password(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": "Aa1!" * 33},
    )
    assert response.status_code == 400


async def test_password_change_refuses_the_current_password_as_the_new_one(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": DEFAULT_PASSWORD},
    )
    assert response.status_code == 400
    assert "differ" in response.json()["message"]


async def test_a_forced_password_change_needs_no_current_password_and_clears_the_flag(
    client: AsyncClient, services: Services
) -> None:
    bob = await create_and_login(services, client, "bob", must_change_password=True)
    blocked = await client.get("/api/users/privacy", headers=bob.headers)
    assert blocked.status_code == 403
    assert blocked.json()["mustChangePassword"] is True

    response = await client.put(
        "/api/users/password", headers=bob.headers, json={"newPassword": NEW_PASSWORD}
    )
    assert response.status_code == 204
    me = await client.get("/api/auth/me", headers=bob.headers)
    assert me.json()["user"]["mustChangePassword"] is False
    assert (await client.get("/api/users/privacy", headers=bob.headers)).status_code == 200
    relogin = await login(client, "bob", NEW_PASSWORD)
    assert relogin.access_token


async def test_a_forced_password_change_still_enforces_the_policy(
    client: AsyncClient, services: Services
) -> None:
    bob = await create_and_login(services, client, "bob", must_change_password=True)
    response = await client.put(
        "/api/users/password", headers=bob.headers, json={"newPassword": "weakpassword"}
    )
    assert response.status_code == 400
    assert (await stored_user(services, bob.user_id)).must_change_password is True


async def test_password_change_ends_other_logins_but_keeps_this_one(
    client: AsyncClient, alice: LoggedIn
) -> None:
    laptop = await login(client, "alice")
    response = await client.put(
        "/api/users/password",
        headers=alice.headers,
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
    )
    assert response.status_code == 204

    other = await client.post("/api/auth/refresh", json={"refreshToken": laptop.refresh_token})
    assert other.status_code == 401
    assert (await client.get("/api/auth/me", headers=alice.headers)).status_code == 200
    this = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert this.status_code == 200
    token = this.json()["accessToken"]
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


# --- profile, theme, language ---------------------------------------------------------------------


async def test_profile_name_is_updated_and_returned(client: AsyncClient, alice: LoggedIn) -> None:
    response = await client.put(
        "/api/users/profile", headers=alice.headers, json={"name": "Alice Liddell"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Alice Liddell"
    assert body["username"] == "alice"
    assert body["id"] == alice.user_id
    assert "passwordHash" not in body
    me = await client.get("/api/auth/me", headers=alice.headers)
    assert me.json()["user"]["name"] == "Alice Liddell"


async def test_profile_name_may_be_100_characters_but_not_101(
    client: AsyncClient, alice: LoggedIn
) -> None:
    ok = await client.put("/api/users/profile", headers=alice.headers, json={"name": "n" * 100})
    assert ok.status_code == 200
    too_long = await client.put(
        "/api/users/profile", headers=alice.headers, json={"name": "n" * 101}
    )
    assert too_long.status_code == 400
    assert too_long.json()["errors"][0]["field"] == "name"


async def test_a_blank_profile_name_clears_it(client: AsyncClient, alice: LoggedIn) -> None:
    await client.put("/api/users/profile", headers=alice.headers, json={"name": "Alice"})
    response = await client.put("/api/users/profile", headers=alice.headers, json={"name": "   "})
    assert response.status_code == 200
    assert response.json()["name"] is None


@pytest.mark.parametrize("body", [{}, {"name": None}, {"name": 42}, {"name": "a\x00b"}])
async def test_a_bad_profile_body_is_a_400(
    client: AsyncClient, alice: LoggedIn, body: dict[str, Any]
) -> None:
    response = await client.put("/api/users/profile", headers=alice.headers, json=body)
    assert response.status_code == 400


@pytest.mark.parametrize("theme", ["dark", "light", "auto"])
async def test_theme_is_saved(
    client: AsyncClient, services: Services, alice: LoggedIn, theme: str
) -> None:
    response = await client.put("/api/users/theme", headers=alice.headers, json={"theme": theme})
    assert response.status_code == 204
    assert (await stored_user(services, alice.user_id)).theme == theme


@pytest.mark.parametrize("theme", ["blue", "DARK", "", None])
async def test_an_unknown_theme_is_a_400(
    client: AsyncClient, services: Services, alice: LoggedIn, theme: str | None
) -> None:
    response = await client.put("/api/users/theme", headers=alice.headers, json={"theme": theme})
    assert response.status_code == 400
    assert (await stored_user(services, alice.user_id)).theme == "dark"


@pytest.mark.parametrize("language", ["en", "es", "fr"])
async def test_language_is_saved(
    client: AsyncClient, services: Services, alice: LoggedIn, language: str
) -> None:
    response = await client.put(
        "/api/users/language", headers=alice.headers, json={"language": language}
    )
    assert response.status_code == 204
    assert (await stored_user(services, alice.user_id)).language == language


@pytest.mark.parametrize("language", ["de", "english", "", None])
async def test_an_unknown_language_is_a_400(
    client: AsyncClient, services: Services, alice: LoggedIn, language: str | None
) -> None:
    before = (await stored_user(services, alice.user_id)).language
    response = await client.put(
        "/api/users/language", headers=alice.headers, json={"language": language}
    )
    assert response.status_code == 400
    assert (await stored_user(services, alice.user_id)).language == before


# --- avatar ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pillow_format", "mime", "extension"), IMAGE_FORMATS)
async def test_avatar_upload_stores_a_real_image_and_serves_it_with_an_etag(
    client: AsyncClient,
    services: Services,
    settings: Settings,
    alice: LoggedIn,
    pillow_format: str,
    mime: str,
    extension: str,
) -> None:
    data = image_bytes(pillow_format)
    # The client's file name and type are not trusted: the content decides.
    response = await upload(client, alice, data, "photo.bin", "application/octet-stream")
    assert response.status_code == 200
    body = response.json()
    assert body["avatarMimeType"] == mime
    assert body["avatarSize"] == len(data)
    assert body["avatarPath"] == f"uploads/users/{alice.user_id}/avatar.{extension}"
    assert (settings.data_dir / body["avatarPath"]).read_bytes() == data
    assert (await stored_user(services, alice.user_id)).avatar_updated_at is not None
    me = await client.get("/api/auth/me", headers=alice.headers)
    assert me.json()["user"]["hasAvatar"] is True

    served = await client.get(f"/api/images/users/{alice.user_id}/avatar")
    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == mime
    etag = served.headers["etag"]
    assert etag

    cached = await client.get(
        f"/api/images/users/{alice.user_id}/avatar", headers={"If-None-Match": etag}
    )
    assert cached.status_code == 304
    assert cached.content == b""
    stale = await client.get(
        f"/api/images/users/{alice.user_id}/avatar", headers={"If-None-Match": '"other"'}
    )
    assert stale.status_code == 200


async def test_avatar_url_in_the_response_serves_the_image(
    client: AsyncClient, alice: LoggedIn
) -> None:
    data = image_bytes("PNG")
    url = (await upload(client, alice, data)).json()["avatarUrl"]
    served = await client.get(url)
    assert served.status_code == 200
    assert served.content == data


async def test_a_new_avatar_with_another_format_replaces_the_old_file(
    client: AsyncClient, settings: Settings, alice: LoggedIn
) -> None:
    png = image_bytes("PNG")
    assert (await upload(client, alice, png)).status_code == 200
    first = await client.get(f"/api/images/users/{alice.user_id}/avatar")
    assert avatar_files(settings, alice.user_id) == ["avatar.png"]

    jpeg = image_bytes("JPEG", color=(10, 200, 10))
    response = await upload(client, alice, jpeg, "me.jpg", "image/jpeg")
    assert response.status_code == 200
    assert avatar_files(settings, alice.user_id) == ["avatar.jpg"]

    second = await client.get(
        f"/api/images/users/{alice.user_id}/avatar",
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert second.status_code == 200
    assert second.content == jpeg
    assert second.headers["content-type"] == "image/jpeg"
    assert second.headers["etag"] != first.headers["etag"]


async def test_a_text_file_named_png_is_a_415(
    client: AsyncClient, settings: Settings, alice: LoggedIn
) -> None:
    response = await upload(client, alice, b"just some text, honestly\n" * 10, "evil.png")
    assert response.status_code == 415
    assert avatar_files(settings, alice.user_id) == []


@pytest.mark.parametrize("pillow_format", ["PNG", "JPEG", "WEBP"])
async def test_a_truncated_image_is_a_415(
    client: AsyncClient, services: Services, settings: Settings, alice: LoggedIn, pillow_format: str
) -> None:
    whole = noise_image(pillow_format, 40)
    response = await upload(client, alice, whole[: len(whole) // 2])
    assert response.status_code == 415
    assert avatar_files(settings, alice.user_id) == []
    assert (await stored_user(services, alice.user_id)).avatar_path is None


async def test_a_png_with_a_corrupt_body_is_a_415(client: AsyncClient, alice: LoggedIn) -> None:
    data = bytearray(noise_image("PNG", 40))
    data[60:400] = os.urandom(340)  # inside the image data chunk
    response = await upload(client, alice, bytes(data))
    assert response.status_code == 415


async def test_a_gif_is_a_415(client: AsyncClient, alice: LoggedIn) -> None:
    response = await upload(client, alice, image_bytes("GIF"), "me.gif", "image/gif")
    assert response.status_code == 415
    assert "JPEG" in response.json()["message"]


async def test_an_empty_avatar_file_is_a_400(client: AsyncClient, alice: LoggedIn) -> None:
    response = await upload(client, alice, b"")
    assert response.status_code == 400


async def test_an_avatar_over_the_limit_is_a_413(
    client: AsyncClient, services: Services, settings: Settings, alice: LoggedIn
) -> None:
    data = noise_image("PNG", 96)
    assert len(data) > AVATAR_LIMIT
    response = await upload(client, alice, data)
    assert response.status_code == 413
    assert avatar_files(settings, alice.user_id) == []
    assert (await stored_user(services, alice.user_id)).avatar_path is None


async def test_an_avatar_of_exactly_the_limit_is_accepted(
    client: AsyncClient, alice: LoggedIn
) -> None:
    png = image_bytes("PNG")
    padded = png + b"\0" * (AVATAR_LIMIT - len(png))  # bytes after IEND are ignored
    assert (await upload(client, alice, padded)).status_code == 200
    assert (await upload(client, alice, padded + b"\0")).status_code == 413


async def test_an_avatar_upload_without_a_file_is_a_400(
    client: AsyncClient, alice: LoggedIn
) -> None:
    as_text = await client.post(
        "/api/users/avatar", headers=alice.headers, data={"file": "not a file"}
    )
    assert as_text.status_code == 400
    nothing = await client.post("/api/users/avatar", headers=alice.headers)
    assert nothing.status_code == 400


async def test_deleting_the_avatar_removes_the_file_and_the_image(
    client: AsyncClient, services: Services, settings: Settings, alice: LoggedIn
) -> None:
    await upload(client, alice, image_bytes("WEBP"), "me.webp", "image/webp")
    response = await client.delete("/api/users/avatar", headers=alice.headers)
    assert response.status_code == 204
    assert avatar_files(settings, alice.user_id) == []
    served = await client.get(f"/api/images/users/{alice.user_id}/avatar")
    assert served.status_code == 404
    user = await stored_user(services, alice.user_id)
    assert (user.avatar_path, user.avatar_mime_type, user.avatar_size) == (None, None, None)
    me = await client.get("/api/auth/me", headers=alice.headers)
    assert me.json()["user"]["hasAvatar"] is False


async def test_deleting_an_avatar_that_does_not_exist_is_harmless(
    client: AsyncClient, alice: LoggedIn
) -> None:
    assert (await client.delete("/api/users/avatar", headers=alice.headers)).status_code == 204


async def test_avatar_of_a_user_without_one_is_a_404(client: AsyncClient, alice: LoggedIn) -> None:
    assert (await client.get(f"/api/images/users/{alice.user_id}/avatar")).status_code == 404
    assert (await client.get(f"/api/images/users/{uuid.uuid4()}/avatar")).status_code == 404
    assert (await client.get("/api/images/users/not-a-uuid/avatar")).status_code == 400


async def test_an_avatar_whose_file_vanished_is_a_404(
    client: AsyncClient, settings: Settings, alice: LoggedIn
) -> None:
    path = (await upload(client, alice, image_bytes("PNG"))).json()["avatarPath"]
    (settings.data_dir / path).unlink()
    assert (await client.get(f"/api/images/users/{alice.user_id}/avatar")).status_code == 404


# --- privacy --------------------------------------------------------------------------------------


async def test_privacy_defaults_to_a_private_profile(client: AsyncClient, alice: LoggedIn) -> None:
    response = await client.get("/api/users/privacy", headers=alice.headers)
    assert response.status_code == 200
    assert response.json() == {
        "isPublicProfile": False,
        "showTopTracks": True,
        "showTopArtists": True,
        "showTopAlbums": True,
        "showPlaylists": True,
        "bio": None,
    }


async def test_privacy_update_changes_only_the_given_fields(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.put(
        "/api/users/privacy",
        headers=alice.headers,
        json={"isPublicProfile": True, "showPlaylists": False, "bio": "I like loud guitars."},
    )
    assert response.status_code == 200
    expected = {
        "isPublicProfile": True,
        "showTopTracks": True,
        "showTopArtists": True,
        "showTopAlbums": True,
        "showPlaylists": False,
        "bio": "I like loud guitars.",
    }
    assert response.json() == expected
    assert (await client.get("/api/users/privacy", headers=alice.headers)).json() == expected

    cleared = await client.put("/api/users/privacy", headers=alice.headers, json={"bio": None})
    assert cleared.json() == {**expected, "bio": None}


async def test_a_bio_may_be_500_characters_but_not_501(
    client: AsyncClient, alice: LoggedIn
) -> None:
    ok = await client.put("/api/users/privacy", headers=alice.headers, json={"bio": "b" * 500})
    assert ok.status_code == 200
    too_long = await client.put(
        "/api/users/privacy", headers=alice.headers, json={"bio": "b" * 501}
    )
    assert too_long.status_code == 400
    stored = await client.get("/api/users/privacy", headers=alice.headers)
    assert stored.json()["bio"] == "b" * 500


@pytest.mark.parametrize(
    "field",
    ["isPublicProfile", "showTopTracks", "showTopArtists", "showTopAlbums", "showPlaylists"],
)
async def test_privacy_refuses_null_for_a_switch(
    client: AsyncClient, alice: LoggedIn, field: str
) -> None:
    response = await client.put(
        "/api/users/privacy", headers=alice.headers, json={"bio": "changed?", field: None}
    )
    assert response.status_code == 400
    assert field in response.json()["message"] or field in str(response.json().get("errors"))
    assert (await client.get("/api/users/privacy", headers=alice.headers)).json()["bio"] is None


@pytest.mark.parametrize(
    "body", [{"isPublicProfile": "maybe"}, {"nickname": "x"}, {"bio": 12}, {"bio": "zero\x00byte"}]
)
async def test_a_bad_privacy_body_is_a_400(
    client: AsyncClient, alice: LoggedIn, body: dict[str, Any]
) -> None:
    response = await client.put("/api/users/privacy", headers=alice.headers, json=body)
    assert response.status_code == 400


# --- home preferences -----------------------------------------------------------------------------


async def test_home_preferences_default_to_nine_sections_with_the_first_two_enabled(
    client: AsyncClient, alice: LoggedIn
) -> None:
    response = await client.get("/api/users/home-preferences", headers=alice.headers)
    assert response.status_code == 200
    assert response.json() == {
        "homeSections": sections(list(HOME_SECTION_IDS), {"recent-albums", "artist-mix"})
    }
    assert len(HOME_SECTION_IDS) == 9


async def test_home_preferences_accept_all_nine_sections_in_a_new_order(
    client: AsyncClient, alice: LoggedIn
) -> None:
    order = list(reversed(HOME_SECTION_IDS))
    wanted = sections(order, {"shared-albums", "surprise-me", "genre-mix"})
    shuffled = wanted[4:] + wanted[:4]  # sent in any order; the order field decides
    response = await client.put(
        "/api/users/home-preferences", headers=alice.headers, json={"homeSections": shuffled}
    )
    assert response.status_code == 200
    assert response.json() == {"homeSections": wanted}
    stored = await client.get("/api/users/home-preferences", headers=alice.headers)
    assert stored.json() == {"homeSections": wanted}


def _with(index: int, **changes: Any) -> list[dict[str, Any]]:
    items = sections(list(HOME_SECTION_IDS), set())
    items[index] = {**items[index], **changes}
    return items


@pytest.mark.parametrize(
    "home_sections",
    [
        pytest.param(sections(list(HOME_SECTION_IDS[:8]), set()), id="missing-section"),
        pytest.param(_with(8, id="recent-albums"), id="duplicate-id"),
        pytest.param(_with(8, order=0), id="duplicate-order"),
        pytest.param(_with(8, order=9), id="order-out-of-range"),
        pytest.param(_with(0, order=-1), id="negative-order"),
        pytest.param(_with(3, id="podcasts"), id="unknown-id"),
        pytest.param(_with(2, enabled=None), id="null-enabled"),
        pytest.param([*sections(list(HOME_SECTION_IDS), set()), _with(0)[0]], id="ten-sections"),
        pytest.param([], id="empty"),
    ],
)
async def test_home_preferences_refuse_an_incomplete_or_inconsistent_list(
    client: AsyncClient, alice: LoggedIn, home_sections: list[dict[str, Any]]
) -> None:
    response = await client.put(
        "/api/users/home-preferences", headers=alice.headers, json={"homeSections": home_sections}
    )
    assert response.status_code == 400
    assert response.json()["message"]
    stored = await client.get("/api/users/home-preferences", headers=alice.headers)
    assert stored.json()["homeSections"][0] == {"id": "recent-albums", "enabled": True, "order": 0}


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("PUT", "/api/users/password"),
        ("PUT", "/api/users/profile"),
        ("PUT", "/api/users/theme"),
        ("PUT", "/api/users/language"),
        ("POST", "/api/users/avatar"),
        ("DELETE", "/api/users/avatar"),
        ("GET", "/api/users/privacy"),
        ("PUT", "/api/users/privacy"),
        ("GET", "/api/users/home-preferences"),
        ("PUT", "/api/users/home-preferences"),
    ],
)
async def test_every_users_endpoint_needs_a_login(
    client: AsyncClient, method: str, url: str
) -> None:
    response = await client.request(method, url)
    assert response.status_code == 401


async def test_a_user_who_must_change_the_password_can_only_change_the_password(
    client: AsyncClient, services: Services
) -> None:
    bob = await create_and_login(services, client, "bob", must_change_password=True)
    theme = await client.put("/api/users/theme", headers=bob.headers, json={"theme": "light"})
    assert theme.status_code == 403
    avatar = await upload(client, bob, image_bytes("PNG"))
    assert avatar.status_code == 403
    assert (await stored_user(services, bob.user_id)).theme == "dark"
