"""The security suite: tokens, account state, role and forced-change gating swept over the route
table, login timing parity, path traversal and the error envelope, on both storage tiers."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from httpx import ASGITransport, AsyncClient, Response

from echo.bootstrap import Services
from echo.features.auth import passwords, tokens
from echo.features.auth.dependencies import get_services
from echo.features.users import repository as users
from tests.builders import DEFAULT_PASSWORD, create_and_login, create_user

# Routes anyone may call without a token. A route missing from here must answer 401 without one,
# so every route added later is covered by the sweep unless it is listed on purpose.
PUBLIC_ROUTES = frozenset(
    {
        ("GET", "/api/health"),
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/refresh"),
        ("GET", "/api/images/users/{user_id}/avatar"),
        # Covers are loaded by <img> elements, which cannot send a token (spec §2.5, §2.21).
        ("GET", "/api/images/albums/{album_id:uuid}/cover"),
        ("GET", "/api/albums/{album_id:uuid}/cover"),
    }
)
PUBLIC_PREFIXES = ("/api/setup/",)
# Reachable by a user who still has to replace a temporary password.
ALLOWED_DURING_PASSWORD_CHANGE = frozenset(
    {
        ("POST", "/api/auth/logout"),
        ("GET", "/api/auth/me"),
        ("PUT", "/api/users/password"),
        # Streaming stays allowed (spec §3): the stream token it needs, and the routes that
        # take one.
        ("GET", "/api/stream-token"),
        ("POST", "/api/stream-token/generate"),
        ("DELETE", "/api/stream-token"),
        ("GET", "/api/tracks/{track_id:uuid}/stream"),
        ("GET", "/api/tracks/{track_id:uuid}/download"),
        ("GET", "/api/albums/{album_id:uuid}/download"),
        ("POST", "/api/play-tracking/play"),
        ("POST", "/api/play-tracking/skip"),
        ("GET", "/api/play-tracking/history"),
        ("GET", "/api/play-tracking/top-tracks"),
        ("GET", "/api/play-tracking/recently-played"),
        ("GET", "/api/play-tracking/summary"),
        ("GET", "/api/play-tracking/stats/{item_type}/{item_id}"),
        ("PUT", "/api/play-tracking/playback-state"),
    }
)
ENVELOPE = {"statusCode", "error", "message", "timestamp", "path"}
NEW_PASSWORD = "N3w-password!"


def api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every JSON API operation in the route table."""
    found = set()
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) or context.path is None:
            continue
        if not context.path.startswith("/api/"):
            continue
        for method in context.methods or ():
            if method not in ("HEAD", "OPTIONS"):
                found.add((method, context.path))
    return sorted(found)


def is_public(method: str, path: str) -> bool:
    return (method, path) in PUBLIC_ROUTES or path.startswith(PUBLIC_PREFIXES)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)


def authenticated_routes(app: FastAPI) -> list[tuple[str, str]]:
    routes = [route for route in api_routes(app) if not is_public(*route)]
    assert len(routes) >= 15, routes  # the sweep must not pass by finding nothing
    return routes


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_envelope(response: Response, status: int, path: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) >= ENVELOPE, body
    assert body["statusCode"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    assert path is None or body["path"] == path
    assert "stack" not in body
    assert "Traceback" not in response.text
    assert 'File "' not in response.text
    return body


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    header, payload, signature = token.split(".")
    return json.loads(_b64decode(header)), json.loads(_b64decode(payload)), signature


def _encode_part(part: dict[str, Any]) -> str:
    return _b64encode(json.dumps(part, separators=(",", ":")).encode())


def _assemble(header: dict[str, Any], payload: dict[str, Any], signature: str) -> str:
    return f"{_encode_part(header)}.{_encode_part(payload)}.{signature}"


async def _me(client: AsyncClient, token: str) -> Response:
    return await client.get("/api/auth/me", headers=bearer(token))


# --- tokens -----------------------------------------------------------------------------------


async def test_a_token_whose_payload_was_changed_under_the_original_signature_is_refused(
    client: AsyncClient, services: Services
) -> None:
    root_id = await create_user(services, "root", admin=True)
    alice = await create_and_login(services, client, "alice")
    assert (await _me(client, alice.access_token)).status_code == 200
    header, payload, signature = _segments(alice.access_token)

    forgeries = [
        {**payload, "userId": root_id, "username": "root"},
        {**payload, "exp": payload["exp"] + 3600 * 24 * 365},
        {**payload, "isAdmin": True},
    ]
    for forged in forgeries:
        response = await _me(client, _assemble(header, forged, signature))
        body = assert_envelope(response, 401, "/api/auth/me")
        assert body["error"] == "Unauthorized"
    admin_attempt = await client.get(
        "/api/admin/users", headers=bearer(_assemble(header, forgeries[0], signature))
    )
    assert admin_attempt.status_code == 401


async def test_an_expired_token_is_refused(client: AsyncClient, services: Services) -> None:
    alice = await create_and_login(services, client, "alice")
    user_id = uuid.UUID(alice.user_id)
    sid = _segments(alice.access_token)[1]["sid"]  # a live login, so only the expiry can refuse
    expired = tokens.issue(
        "access", services.jwt.access, user_id, "alice", sid, timedelta(seconds=-5)
    )
    body = assert_envelope(await _me(client, expired.token), 401)
    assert body["message"] == "Token expired"
    fresh = tokens.issue("access", services.jwt.access, user_id, "alice", sid, timedelta(minutes=5))
    assert (await _me(client, fresh.token)).status_code == 200  # the forging itself works


async def test_a_token_signed_with_another_secret_is_refused(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    user_id = uuid.UUID(alice.user_id)
    sid = _segments(alice.access_token)[1]["sid"]
    for secret in ("another-secret-" * 4, services.jwt.refresh, "0" * 64):
        forged = tokens.issue("access", secret, user_id, "alice", sid, timedelta(minutes=5))
        assert_envelope(await _me(client, forged.token), 401)
    genuine = tokens.issue(
        "access", services.jwt.access, user_id, "alice", sid, timedelta(minutes=5)
    )
    assert (await _me(client, genuine.token)).status_code == 200


@pytest.mark.parametrize("algorithm", ["none", "None", "NONE", "HS512", "RS256"])
async def test_a_token_that_names_another_algorithm_is_refused(
    client: AsyncClient, services: Services, algorithm: str
) -> None:
    alice = await create_and_login(services, client, "alice")
    header, payload, signature = _segments(alice.access_token)
    unsigned = _assemble({**header, "alg": algorithm}, payload, "")
    resigned = _assemble({**header, "alg": algorithm}, payload, signature)
    assert_envelope(await _me(client, unsigned), 401)
    assert_envelope(await _me(client, resigned), 401)


async def test_a_refresh_token_is_not_an_access_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    assert_envelope(await _me(client, alice.refresh_token), 401)
    # Even a token that says "refresh" and is signed with the access secret is refused.
    _, payload, _ = _segments(alice.access_token)
    relabelled = tokens.issue(
        "refresh",
        services.jwt.access,
        uuid.UUID(alice.user_id),
        "alice",
        payload["sid"],
        timedelta(minutes=5),
    )
    assert_envelope(await _me(client, relabelled.token), 401)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer", "Bearer ", "Bearer not.a.jwt", "Bearer a.b.c", "Basic YWxpY2U6cGFzcw==", "Token x"],
)
async def test_a_malformed_authorization_header_is_refused(
    client: AsyncClient, authorization: str
) -> None:
    response = await client.get("/api/auth/me", headers={"Authorization": authorization})
    assert_envelope(response, 401, "/api/auth/me")


async def test_a_token_is_refused_once_its_login_has_logged_out(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 200
    assert_envelope(await _me(client, alice.access_token), 401)
    assert (await client.get("/api/users/privacy", headers=alice.headers)).status_code == 401
    assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 401


async def test_a_replayed_refresh_token_is_refused_and_ends_the_login(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    first = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert first.status_code == 200
    replay = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert_envelope(replay, 401)
    rotated = await client.post(
        "/api/auth/refresh", json={"refreshToken": first.json()["refreshToken"]}
    )
    assert rotated.status_code == 401


async def test_a_refresh_token_presented_twice_at_once_is_honoured_at_most_once(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    responses = await asyncio.gather(
        *(
            client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
            for _ in range(4)
        )
    )
    codes = sorted(response.status_code for response in responses)
    assert codes == [200, 401, 401, 401], [response.text for response in responses]


async def test_a_deactivated_user_is_refused_even_with_a_valid_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    async with services.sessions() as session:
        user = await users.get(session, uuid.UUID(alice.user_id))
        assert user is not None
        user.is_active = False
        await session.commit()
    body = assert_envelope(await _me(client, alice.access_token), 401)
    assert body["error"] == "Unauthorized"
    assert (await client.get("/api/users/privacy", headers=alice.headers)).status_code == 401
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert refreshed.status_code == 401


async def test_a_deleted_user_is_refused_even_with_a_valid_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    async with services.sessions() as session:
        user = await users.get(session, uuid.UUID(alice.user_id))
        assert user is not None
        await users.delete(session, user)
        await session.commit()
    assert_envelope(await _me(client, alice.access_token), 401)
    assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 401
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert refreshed.status_code == 401


async def test_after_a_password_reset_an_old_access_token_cannot_choose_the_new_password(
    client: AsyncClient, services: Services
) -> None:
    # The reset is what an admin does about a stolen login; the thief's token must die with it,
    # or it could set a password of its own (no current password is asked during a forced change).
    root = await create_and_login(services, client, "root", admin=True)
    alice = await create_and_login(services, client, "alice")
    reset = await client.post(
        f"/api/admin/users/{alice.user_id}/reset-password", headers=root.headers
    )
    temporary = reset.json()["temporaryPassword"]

    takeover = await client.put(
        "/api/users/password", json={"newPassword": "Th1ef-chosen!"}, headers=alice.headers
    )
    assert takeover.status_code == 401, takeover.text
    assert (await _me(client, alice.access_token)).status_code == 401
    thief = await client.post(
        "/api/auth/login", json={"username": "alice", "password": "Th1ef-chosen!"}
    )
    assert thief.status_code == 401
    owner = await client.post("/api/auth/login", json={"username": "alice", "password": temporary})
    assert owner.status_code == 200
    assert owner.json()["mustChangePassword"] is True


async def test_a_token_issued_before_a_deactivation_stays_refused_after_reactivation(
    client: AsyncClient, services: Services
) -> None:
    root = await create_and_login(services, client, "root", admin=True)
    alice = await create_and_login(services, client, "alice")
    url = f"/api/admin/users/{alice.user_id}"
    assert (await client.delete(url, headers=root.headers)).status_code == 204
    reactivated = await client.put(url, json={"isActive": True}, headers=root.headers)
    assert reactivated.status_code == 200
    assert (await _me(client, alice.access_token)).status_code == 401
    fresh = await create_and_login_again(client, "alice")
    assert (await _me(client, fresh)).status_code == 200


async def test_changing_the_password_ends_the_other_logins_access_tokens_but_not_this_one(
    client: AsyncClient, services: Services
) -> None:
    phone = await create_and_login(services, client, "alice")
    laptop = await create_and_login_again(client, "alice")
    changed = await client.put(
        "/api/users/password",
        json={"currentPassword": DEFAULT_PASSWORD, "newPassword": NEW_PASSWORD},
        headers=phone.headers,
    )
    assert changed.status_code == 204
    assert (await _me(client, phone.access_token)).status_code == 200
    assert (await _me(client, laptop)).status_code == 401


async def create_and_login_again(client: AsyncClient, username: str) -> str:
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["accessToken"]
    return token


# --- route-table sweeps -----------------------------------------------------------------------


def test_every_route_on_the_public_allow_list_exists(app: FastAPI) -> None:
    routes = set(api_routes(app))
    assert routes >= PUBLIC_ROUTES
    assert routes >= ALLOWED_DURING_PASSWORD_CHANGE
    assert any(path.startswith(PUBLIC_PREFIXES) for _, path in routes)


async def test_every_non_public_route_answers_401_without_a_valid_token(
    app: FastAPI, client: AsyncClient, services: Services
) -> None:
    await create_user(services, "alice")
    garbage = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOiJ4In0.c2lnbmF0dXJl"
    failures = []
    for method, template in authenticated_routes(app):
        path = concrete(template)
        for headers in ({}, bearer(garbage)):
            response = await client.request(method, path, headers=headers)
            if response.status_code != 401:
                failures.append((method, template, response.status_code, response.text[:200]))
            else:
                assert_envelope(response, 401, path)
    assert failures == []


async def test_every_admin_route_answers_403_to_a_normal_user(
    app: FastAPI, client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    admin_routes = [route for route in api_routes(app) if route[1].startswith("/api/admin/")]
    assert len(admin_routes) >= 6
    failures = []
    for method, template in admin_routes:
        path = concrete(template)
        response = await client.request(method, path, headers=alice.headers)
        if response.status_code != 403:
            failures.append((method, template, response.status_code, response.text[:200]))
        else:
            assert assert_envelope(response, 403, path)["error"] == "Forbidden"
    assert failures == []


@pytest.mark.parametrize("admin", [False, True], ids=["user", "admin"])
async def test_a_user_who_must_change_the_password_is_stopped_on_every_other_route(
    app: FastAPI, client: AsyncClient, services: Services, admin: bool
) -> None:
    await create_user(services, "root", admin=True)
    flagged = await create_and_login(
        services, client, "flagged", admin=admin, must_change_password=True
    )
    gated = [
        route for route in authenticated_routes(app) if route not in ALLOWED_DURING_PASSWORD_CHANGE
    ]
    failures = []
    for method, template in gated:
        path = concrete(template)
        response = await client.request(method, path, headers=flagged.headers)
        body = response.json()
        if response.status_code != 403 or body.get("error") != "MustChangePassword":
            failures.append((method, template, response.status_code, response.text[:200]))
        else:
            assert body["mustChangePassword"] is True
            assert_envelope(response, 403, path)
    assert failures == []


async def test_a_user_who_must_change_the_password_can_read_me_and_log_out(
    client: AsyncClient, services: Services
) -> None:
    flagged = await create_and_login(services, client, "flagged", must_change_password=True)
    me = await _me(client, flagged.access_token)
    assert me.status_code == 200
    assert me.json()["user"]["mustChangePassword"] is True
    assert (await client.post("/api/auth/logout", headers=flagged.headers)).status_code == 200
    assert (await _me(client, flagged.access_token)).status_code == 401


async def test_changing_the_temporary_password_lifts_the_gate(
    client: AsyncClient, services: Services
) -> None:
    flagged = await create_and_login(services, client, "flagged", must_change_password=True)
    assert (await client.get("/api/users/privacy", headers=flagged.headers)).status_code == 403
    changed = await client.put(
        "/api/users/password", json={"newPassword": NEW_PASSWORD}, headers=flagged.headers
    )
    assert changed.status_code == 204, changed.text
    assert (await client.get("/api/users/privacy", headers=flagged.headers)).status_code == 200
    me = await _me(client, flagged.access_token)
    assert me.json()["user"]["mustChangePassword"] is False
    relogin = await client.post(
        "/api/auth/login", json={"username": "flagged", "password": NEW_PASSWORD}
    )
    assert relogin.json()["mustChangePassword"] is False


# --- login timing parity ----------------------------------------------------------------------


@pytest.fixture
def verified_hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The hashes login verified passwords against, in order."""
    calls: list[str] = []
    original = passwords.verify_password

    async def recording(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return await original(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", recording)
    return calls


def _comparable(response: Response) -> tuple[int, dict[str, Any], str | None]:
    body = dict(response.json())
    body.pop("timestamp")
    return response.status_code, body, response.headers.get("content-type")


async def test_an_unknown_username_takes_the_wrong_password_path(
    client: AsyncClient, services: Services, verified_hashes: list[str]
) -> None:
    await create_user(services, "alice")
    async with services.sessions() as session:
        alice = await users.get_by_username(session, "alice")
        assert alice is not None

    wrong = await client.post(
        "/api/auth/login", json={"username": "alice", "password": "Wrong-pass1!"}
    )
    assert verified_hashes == [alice.password_hash]
    verified_hashes.clear()

    unknown = await client.post(
        "/api/auth/login", json={"username": "nobody", "password": "Wrong-pass1!"}
    )
    assert verified_hashes == [passwords.DUMMY_HASH]
    assert _comparable(unknown) == _comparable(wrong)
    assert unknown.status_code == 401


async def test_an_inactive_user_with_the_right_password_gets_the_wrong_password_answer(
    client: AsyncClient, services: Services, verified_hashes: list[str]
) -> None:
    alice_id = await create_user(services, "alice")
    await create_user(services, "bob")
    async with services.sessions() as session:
        alice = await users.get(session, uuid.UUID(alice_id))
        assert alice is not None
        alice.is_active = False
        await session.commit()
    inactive = await client.post(
        "/api/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
    )
    assert len(verified_hashes) == 1
    wrong = await client.post(
        "/api/auth/login", json={"username": "bob", "password": "Wrong-pass1!"}
    )
    assert _comparable(inactive) == _comparable(wrong)


# --- path traversal ---------------------------------------------------------------------------


@pytest.fixture
def outside_secret(tmp_path: Path) -> str:
    """A file outside every allowed folder whose content must never appear in a response."""
    secret = f"outside-secret-{uuid.uuid4().hex}"
    folder = tmp_path.parent / f"outside-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    (folder / "secret.txt").write_text(secret)
    (folder / "inner").mkdir()
    return str(folder)


async def test_the_folder_browser_lists_an_allowed_folder(
    client: AsyncClient, library_dir: Path
) -> None:
    (library_dir / "Albums").mkdir()
    response = await client.post("/api/setup/browse", json={"path": str(library_dir)})
    assert response.status_code == 200, response.text
    assert [d["name"] for d in response.json()["directories"]] == ["Albums"]


async def test_the_folder_browser_does_not_leave_the_allowed_folders(
    client: AsyncClient, library_dir: Path, tmp_path: Path, outside_secret: str
) -> None:
    outside = Path(outside_secret)
    (library_dir / "escape").symlink_to(outside, target_is_directory=True)
    attempts = [
        "../..",
        "../../../../../../etc",
        "/etc",
        "//etc",
        "/proc/self",
        str(outside),
        f"{library_dir}/../../{outside.name}",
        f"{tmp_path}/../{outside.name}",
        f"{library_dir}/escape",
        f"{library_dir}/escape/inner",
        f"{library_dir}/..%2F..%2F{outside.name}",
        f"{library_dir}/%2e%2e/%2e%2e/{outside.name}",
        f"{library_dir}/..\\..\\{outside.name}",
        f"{library_dir}/\u2025/\u2025/{outside.name}",
        "~",
        "~root",
    ]
    for raw in attempts:
        response = await client.post("/api/setup/browse", json={"path": raw})
        assert response.status_code in (400, 403), (raw, response.status_code, response.text)
        body = assert_envelope(response, response.status_code)
        assert "directories" not in body
        assert "inner" not in response.text and "secret.txt" not in response.text
    listing = await client.post("/api/setup/browse", json={"path": str(library_dir)})
    assert listing.status_code == 200
    assert "escape" not in [d["name"] for d in listing.json()["directories"]]


async def test_the_folder_browser_creates_no_folder_outside_the_allowed_folders(
    client: AsyncClient, library_dir: Path, outside_secret: str
) -> None:
    outside = Path(outside_secret)
    attempts = [
        {"path": str(library_dir), "name": f"../../{outside.name}/made"},
        {"path": str(library_dir), "name": ".."},
        {"path": str(library_dir), "name": "a/../../b"},
        {"path": str(outside), "name": "made"},
        {"path": f"{library_dir}/../..", "name": "made"},
    ]
    for body in attempts:
        response = await client.post("/api/setup/browse/mkdir", json=body)
        assert response.status_code in (400, 403), (body, response.text)
    assert sorted(await asyncio.to_thread(os.listdir, outside)) == ["inner", "secret.txt"]
    assert not (library_dir.parent.parent / "b").exists()


async def test_the_avatar_route_serves_no_file_from_a_crafted_path(
    client: AsyncClient, services: Services, outside_secret: str
) -> None:
    secret = (Path(outside_secret) / "secret.txt").read_text()
    jwt_secret = services.jwt.access
    name = Path(outside_secret).name
    attempts = [
        "/api/images/users/..%2F..%2Fetc%2Fpasswd/avatar",
        "/api/images/users/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd/avatar",
        "/api/images/users/%2e%2e%2f%2e%2e%2fetc%2fpasswd/avatar",
        "/api/images/users/..%252F..%252Fetc%252Fpasswd/avatar",
        "/api/images/users/..%5C..%5Cetc%5Cpasswd/avatar",
        "/api/images/users/%2e%2e/%2e%2e/%2e%2e/etc/passwd/avatar",
        f"/api/images/users/..%2F..%2F..%2F..%2F{name}%2Fsecret.txt/avatar",
        "/api/images/users/..%2F..%2Fsecrets.env/avatar",
        f"/api/images/users/{uuid.uuid4()}/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        f"/api/images/users/{uuid.uuid4()}/avatar%2F..%2F..%2Fsecrets.env",
        "/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/assets/..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ]
    for url in attempts:
        response = await client.get(url)
        assert "root:x:0:0" not in response.text, url
        assert secret not in response.text and jwt_secret not in response.text, url
        if url.startswith("/api/"):
            assert response.status_code in (400, 404), (url, response.status_code)
            assert_envelope(response, response.status_code)


@pytest.mark.parametrize("stored", ["../secrets.env", "/etc/passwd", "uploads/../../x/secret.txt"])
async def test_a_stored_avatar_path_outside_the_uploads_folder_is_never_served(
    client: AsyncClient, services: Services, outside_secret: str, stored: str
) -> None:
    alice_id = await create_user(services, "alice")
    stored = stored.replace("x", Path(outside_secret).name)
    async with services.sessions() as session:
        alice = await users.get(session, uuid.UUID(alice_id))
        assert alice is not None
        alice.avatar_path = stored
        alice.avatar_mime_type = "image/png"
        alice.avatar_size = 10
        await session.commit()
    response = await client.get(f"/api/images/users/{alice_id}/avatar")
    assert response.status_code in (403, 404), response.text
    assert_envelope(response, response.status_code)
    assert "root:x:0:0" not in response.text
    assert services.jwt.access not in response.text


# --- the error envelope -----------------------------------------------------------------------


@pytest.fixture
async def lenient_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client that receives the 500 answer instead of the re-raised exception."""
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def test_401_403_404_and_400_answers_share_one_envelope_without_internals(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    root = await create_and_login(services, client, "root", admin=True)
    unknown = uuid.uuid4()
    cases: list[tuple[Callable[[], Awaitable[Response]], int, str | None]] = [
        (lambda: client.get("/api/auth/me"), 401, "/api/auth/me"),
        (lambda: client.get("/api/admin/users", headers=alice.headers), 403, "/api/admin/users"),
        (
            lambda: client.post(f"/api/admin/users/{unknown}/reset-password", headers=root.headers),
            404,
            f"/api/admin/users/{unknown}/reset-password",
        ),
        (lambda: client.get("/api/no-such-route"), 404, "/api/no-such-route"),
        (lambda: client.get(f"/api/images/users/{unknown}/avatar"), 404, None),
        (
            lambda: client.post(
                "/api/auth/login",
                content=b"{not json",
                headers={"Content-Type": "application/json"},
            ),
            400,
            "/api/auth/login",
        ),
    ]
    for call, status, path in cases:
        response = await call()
        assert_envelope(response, status, path)
        assert "sqlalchemy" not in response.text.lower()


async def test_an_unexpected_error_answers_500_with_the_envelope_and_no_details(
    app: FastAPI, lenient_client: AsyncClient
) -> None:
    detail = "internal-detail-/var/lib/echo/db-password=hunter2"

    def broken() -> Services:
        raise RuntimeError(detail)

    app.dependency_overrides[get_services] = broken
    try:
        response = await lenient_client.get("/api/health")
    finally:
        app.dependency_overrides.pop(get_services)
    body = assert_envelope(response, 500, "/api/health")
    assert body["error"] == "Internal Server Error"
    assert detail not in response.text
    assert "RuntimeError" not in response.text
