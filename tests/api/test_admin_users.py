"""User management by administrators (/api/admin/users), on both storage tiers."""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from PIL import Image
from sqlalchemy import func, select

from echo.bootstrap import Services
from echo.core.errors import InvalidInput
from echo.features.admin import service as admin_service
from echo.features.admin.schemas import UpdateUserRequest
from echo.features.auth import passwords
from echo.features.auth.models import RefreshToken
from echo.features.users import repository as users
from echo.features.users.models import User
from tests.builders import DEFAULT_PASSWORD, LoggedIn, create_and_login, create_user, login

USERS = "/api/admin/users"
LIST_FIELDS = {
    "id",
    "username",
    "name",
    "isAdmin",
    "isActive",
    "avatarPath",
    "mustChangePassword",
    "lastLoginAt",
    "createdAt",
    "isSystemAdmin",
}


async def _root(services: Services, client: AsyncClient) -> LoggedIn:
    """The first, hence system, administrator."""
    return await create_and_login(services, client, "root", admin=True)


async def _listing(client: AsyncClient, admin: LoggedIn, **params: int) -> dict[str, Any]:
    response = await client.get(USERS, params=params, headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _view(client: AsyncClient, admin: LoggedIn, user_id: str) -> dict[str, Any]:
    body = await _listing(client, admin, take=100)
    return next(user for user in body["users"] if user["id"] == user_id)


async def _set(services: Services, user_id: str, **values: object) -> None:
    async with services.sessions() as session:
        user = await users.get(session, uuid.UUID(user_id))
        assert user is not None
        for field, value in values.items():
            setattr(user, field, value)
        await session.commit()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- creating users ---------------------------------------------------------------------------


async def test_an_admin_creates_a_user_whose_temporary_password_logs_in_and_must_be_changed(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    response = await client.post(
        USERS, json={"username": "bob", "name": "Bob Marley"}, headers=root.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"user", "temporaryPassword"}
    assert set(body["user"]) == {"id", "username", "name", "isAdmin"}
    assert body["user"]["username"] == "bob"
    assert body["user"]["name"] == "Bob Marley"
    assert body["user"]["isAdmin"] is False
    temporary = body["temporaryPassword"]
    assert len(temporary) == 16
    passwords.check_policy(temporary)

    login_response = await client.post(
        "/api/auth/login", json={"username": "bob", "password": temporary}
    )
    assert login_response.status_code == 200, login_response.text
    assert login_response.json()["mustChangePassword"] is True
    assert login_response.json()["user"]["id"] == body["user"]["id"]


async def test_an_admin_can_create_another_admin(client: AsyncClient, services: Services) -> None:
    root = await _root(services, client)
    response = await client.post(
        USERS, json={"username": "deputy", "isAdmin": True}, headers=root.headers
    )
    assert response.status_code == 201
    assert response.json()["user"]["isAdmin"] is True
    assert response.json()["user"]["name"] is None
    view = await _view(client, root, response.json()["user"]["id"])
    assert view["isAdmin"] is True
    assert view["isSystemAdmin"] is False
    assert view["mustChangePassword"] is True


async def test_two_created_users_get_different_temporary_passwords(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    first = await client.post(USERS, json={"username": "bob"}, headers=root.headers)
    second = await client.post(USERS, json={"username": "carol"}, headers=root.headers)
    assert first.json()["temporaryPassword"] != second.json()["temporaryPassword"]


@pytest.mark.parametrize("taken", ["bob", "BOB", "Bob"])
async def test_a_username_that_exists_in_any_letter_case_is_a_conflict(
    client: AsyncClient, services: Services, taken: str
) -> None:
    root = await _root(services, client)
    assert (
        await client.post(USERS, json={"username": "bob"}, headers=root.headers)
    ).status_code == 201
    response = await client.post(USERS, json={"username": taken}, headers=root.headers)
    assert response.status_code == 409
    assert response.json()["error"] == "Conflict"
    assert (await _listing(client, root))["total"] == 2


@pytest.mark.parametrize(
    "username", ["ab", "x" * 51, "bob smith", "bob!", "bób", "../etc", "", "bob\n"]
)
async def test_an_invalid_username_is_refused_with_400_and_nothing_is_created(
    client: AsyncClient, services: Services, username: str
) -> None:
    root = await _root(services, client)
    response = await client.post(USERS, json={"username": username}, headers=root.headers)
    assert response.status_code == 400, response.text
    assert (await _listing(client, root))["total"] == 1


async def test_a_username_with_a_trailing_newline_is_refused_wherever_accounts_are_created(
    client: AsyncClient, services: Services
) -> None:
    # The request schema catches it on this route; the service must too (CLI, setup wizard).
    with pytest.raises(InvalidInput):
        await admin_service.create_user(services, "bob\n", None, False)
    response = await client.post(
        "/api/setup/admin", json={"username": "root\n", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 400, response.text
    async with services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_concurrent_creations_of_one_username_in_different_cases_create_one_user(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    responses = await asyncio.gather(
        *(
            client.post(USERS, json={"username": name}, headers=root.headers)
            for name in ("bob", "BOB", "Bob", "bOb")
        )
    )
    assert sorted(response.status_code for response in responses) == [201, 409, 409, 409]
    assert (await _listing(client, root))["total"] == 2


async def test_creating_a_user_refuses_fields_the_request_does_not_know(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    response = await client.post(
        USERS, json={"username": "bob", "password": "Chosen-by-admin1"}, headers=root.headers
    )
    assert response.status_code == 400
    assert (await _listing(client, root))["total"] == 1


# --- listing ----------------------------------------------------------------------------------


async def test_the_list_pages_with_skip_and_take_and_marks_only_the_oldest_admin_as_system_admin(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    for name in ("deputy", "bob", "carol", "dave"):
        await create_user(services, name, admin=name == "deputy")

    everything = await _listing(client, root)
    assert everything["total"] == 5
    listed = everything["users"]
    assert isinstance(listed, list)
    assert [user["username"] for user in listed] == ["root", "deputy", "bob", "carol", "dave"]
    assert all(set(user) == LIST_FIELDS for user in listed)
    assert [user["isSystemAdmin"] for user in listed] == [True, False, False, False, False]
    assert [user["isAdmin"] for user in listed] == [True, True, False, False, False]
    assert listed[0]["lastLoginAt"] is not None
    assert listed[2]["lastLoginAt"] is None

    page = await _listing(client, root, skip=1, take=2)
    assert page["total"] == 5
    assert [user["username"] for user in page["users"]] == ["deputy", "bob"]
    beyond = await _listing(client, root, skip=10, take=2)
    assert beyond == {"users": [], "total": 5}


async def test_the_system_admin_stays_the_oldest_admin_when_it_is_not_on_the_page(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    await create_user(services, "deputy", admin=True)
    page = await _listing(client, root, skip=1, take=1)
    assert page["users"] == [await _view(client, root, str(page["users"][0]["id"]))]
    assert page["users"][0]["isSystemAdmin"] is False


@pytest.mark.parametrize(("take", "expected"), [(0, 1), (-5, 1), (1, 1), (1000, 100)])
async def test_take_is_clamped_to_between_1_and_100(
    client: AsyncClient, services: Services, take: int, expected: int
) -> None:
    root = await _root(services, client)
    shared_hash = await passwords.hash_password(DEFAULT_PASSWORD)
    async with services.sessions() as session:
        for index in range(104):
            users.add(session, User(username=f"listener_{index:03}", password_hash=shared_hash))
        await session.commit()
    page = await _listing(client, root, take=take)
    assert page["total"] == 105
    assert len(page["users"]) == expected


async def test_a_negative_skip_is_refused(client: AsyncClient, services: Services) -> None:
    root = await _root(services, client)
    response = await client.get(USERS, params={"skip": -1}, headers=root.headers)
    assert response.status_code == 400


# --- editing ----------------------------------------------------------------------------------


async def test_an_admin_edits_the_name_admin_flag_and_active_flag_of_a_user(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob_id = await create_user(services, "bob")

    renamed = await client.put(f"{USERS}/{bob_id}", json={"name": "Robert"}, headers=root.headers)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "Robert"
    assert renamed.json()["isAdmin"] is False
    assert set(renamed.json()) == LIST_FIELDS

    promoted = await client.put(f"{USERS}/{bob_id}", json={"isAdmin": True}, headers=root.headers)
    assert promoted.json()["isAdmin"] is True
    assert promoted.json()["name"] == "Robert"  # untouched fields stay as they were
    bob = await login(client, "bob")
    assert (await client.get(USERS, headers=bob.headers)).status_code == 200

    demoted = await client.put(f"{USERS}/{bob_id}", json={"isAdmin": False}, headers=root.headers)
    assert demoted.json()["isAdmin"] is False
    assert (await client.get(USERS, headers=bob.headers)).status_code == 403

    deactivated = await client.put(
        f"{USERS}/{bob_id}", json={"isActive": False}, headers=root.headers
    )
    assert deactivated.json()["isActive"] is False
    assert (await client.get("/api/auth/me", headers=bob.headers)).status_code == 401

    reactivated = await client.put(
        f"{USERS}/{bob_id}", json={"isActive": True, "name": None}, headers=root.headers
    )
    assert reactivated.json()["isActive"] is True
    assert reactivated.json()["name"] is None
    assert (
        await client.post("/api/auth/login", json={"username": "bob", "password": DEFAULT_PASSWORD})
    ).status_code == 200

    view = await _view(client, root, bob_id)
    assert (view["name"], view["isAdmin"], view["isActive"]) == (None, False, True)


async def test_the_username_cannot_be_changed_through_the_edit(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob_id = await create_user(services, "bob")
    response = await client.put(
        f"{USERS}/{bob_id}", json={"username": "robert"}, headers=root.headers
    )
    assert response.status_code == 400
    assert (await _view(client, root, bob_id))["username"] == "bob"


async def test_a_name_longer_than_100_characters_is_refused(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob_id = await create_user(services, "bob")
    response = await client.put(f"{USERS}/{bob_id}", json={"name": "n" * 101}, headers=root.headers)
    assert response.status_code == 400


# --- protections ------------------------------------------------------------------------------


async def test_the_system_admin_cannot_be_demoted_deactivated_or_deleted_by_another_admin(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    deputy = await create_and_login(services, client, "deputy", admin=True)
    attempts = [
        await client.put(
            f"{USERS}/{root.user_id}", json={"isAdmin": False}, headers=deputy.headers
        ),
        await client.put(
            f"{USERS}/{root.user_id}", json={"isActive": False}, headers=deputy.headers
        ),
        await client.delete(f"{USERS}/{root.user_id}", headers=deputy.headers),
        await client.delete(f"{USERS}/{root.user_id}/permanently", headers=deputy.headers),
    ]
    assert [attempt.status_code for attempt in attempts] == [400, 400, 400, 400]
    view = await _view(client, root, root.user_id)
    assert (view["isAdmin"], view["isActive"], view["isSystemAdmin"]) == (True, True, True)
    assert (await client.get("/api/auth/me", headers=root.headers)).status_code == 200


async def test_the_system_admin_can_still_be_renamed(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    deputy = await create_and_login(services, client, "deputy", admin=True)
    response = await client.put(
        f"{USERS}/{root.user_id}",
        json={"name": "The Root", "isAdmin": True},
        headers=deputy.headers,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "The Root"
    assert response.json()["isSystemAdmin"] is True


async def test_an_admin_cannot_demote_deactivate_or_delete_themselves(
    client: AsyncClient, services: Services
) -> None:
    await _root(services, client)
    deputy = await create_and_login(services, client, "deputy", admin=True)
    attempts = [
        await client.put(
            f"{USERS}/{deputy.user_id}", json={"isAdmin": False}, headers=deputy.headers
        ),
        await client.put(
            f"{USERS}/{deputy.user_id}", json={"isActive": False}, headers=deputy.headers
        ),
        await client.delete(f"{USERS}/{deputy.user_id}", headers=deputy.headers),
        await client.delete(f"{USERS}/{deputy.user_id}/permanently", headers=deputy.headers),
    ]
    assert [attempt.status_code for attempt in attempts] == [400, 400, 400, 400]
    assert all(attempt.json()["error"] == "Bad Request" for attempt in attempts)
    me = await client.get("/api/auth/me", headers=deputy.headers)
    assert me.status_code == 200
    assert me.json()["user"]["isAdmin"] is True


async def test_the_system_admin_cannot_demote_or_remove_themselves_either(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    attempts = [
        await client.put(f"{USERS}/{root.user_id}", json={"isAdmin": False}, headers=root.headers),
        await client.put(f"{USERS}/{root.user_id}", json={"isActive": False}, headers=root.headers),
        await client.delete(f"{USERS}/{root.user_id}", headers=root.headers),
        await client.delete(f"{USERS}/{root.user_id}/permanently", headers=root.headers),
    ]
    assert [attempt.status_code for attempt in attempts] == [400, 400, 400, 400]
    assert (await client.get("/api/auth/me", headers=root.headers)).status_code == 200


async def test_the_last_active_admin_cannot_be_demoted_deactivated_or_deleted(
    client: AsyncClient, services: Services
) -> None:
    # Through HTTP the acting admin is always an active admin other than the target, so the
    # rule is reached here with the system admin already deactivated (e.g. in the database).
    root_id = await create_user(services, "root", admin=True)
    deputy_id = await create_user(services, "deputy", admin=True)
    await _set(services, root_id, is_active=False)
    acting = uuid.UUID(root_id)
    target = uuid.UUID(deputy_id)
    for changes in (UpdateUserRequest(is_admin=False), UpdateUserRequest(is_active=False)):
        with pytest.raises(InvalidInput, match="last active administrator"):
            await admin_service.update_user(services, acting, target, changes)
    with pytest.raises(InvalidInput, match="last active administrator"):
        await admin_service.deactivate_user(services, acting, target)
    with pytest.raises(InvalidInput, match="last active administrator"):
        await admin_service.delete_user(services, acting, target)
    deputy = await login(client, "deputy")
    me = await client.get("/api/auth/me", headers=deputy.headers)
    assert me.json()["user"]["isAdmin"] is True
    assert me.json()["user"]["isActive"] is True


async def test_an_admin_that_is_not_the_last_one_can_be_demoted_and_deleted(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    deputy_id = await create_user(services, "deputy", admin=True)
    other_id = await create_user(services, "other", admin=True)
    demoted = await client.put(
        f"{USERS}/{deputy_id}", json={"isAdmin": False}, headers=root.headers
    )
    assert demoted.status_code == 200
    assert (
        await client.delete(f"{USERS}/{other_id}/permanently", headers=root.headers)
    ).status_code == 204


# --- deactivating and deleting ----------------------------------------------------------------


async def test_deleting_a_user_deactivates_them_and_refuses_their_token_at_once(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob = await create_and_login(services, client, "bob")
    assert (await client.get("/api/auth/me", headers=bob.headers)).status_code == 200

    response = await client.delete(f"{USERS}/{bob.user_id}", headers=root.headers)
    assert response.status_code == 204
    assert response.content == b""

    assert (await client.get("/api/auth/me", headers=bob.headers)).status_code == 401
    relogin = await client.post(
        "/api/auth/login", json={"username": "bob", "password": DEFAULT_PASSWORD}
    )
    assert relogin.status_code == 401
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": bob.refresh_token})
    assert refreshed.status_code == 401
    view = await _view(client, root, bob.user_id)
    assert view["isActive"] is False
    assert (await _listing(client, root))["total"] == 2  # the row is kept


async def test_deleting_a_user_permanently_removes_the_row_and_refuses_their_token_at_once(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob = await create_and_login(services, client, "bob")
    upload = await client.post(
        "/api/users/avatar", files={"file": ("me.png", _png(), "image/png")}, headers=bob.headers
    )
    assert upload.status_code == 200, upload.text
    avatar_folder = services.settings.data_dir / "uploads" / "users" / bob.user_id
    assert avatar_folder.is_dir()

    response = await client.delete(f"{USERS}/{bob.user_id}/permanently", headers=root.headers)
    assert response.status_code == 204

    assert (await client.get("/api/auth/me", headers=bob.headers)).status_code == 401
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": bob.refresh_token})
    assert refreshed.status_code == 401
    relogin = await client.post(
        "/api/auth/login", json={"username": "bob", "password": DEFAULT_PASSWORD}
    )
    assert relogin.status_code == 401
    async with services.sessions() as session:
        assert await users.get(session, uuid.UUID(bob.user_id)) is None
        tokens_left = await session.scalar(
            select(func.count())
            .select_from(RefreshToken)
            .where(RefreshToken.user_id == uuid.UUID(bob.user_id))
        )
    assert tokens_left == 0
    assert not avatar_folder.exists()
    assert (await client.get(f"/api/images/users/{bob.user_id}/avatar")).status_code == 404
    assert (await _listing(client, root))["total"] == 1
    # The name is free again.
    assert (
        await client.post(USERS, json={"username": "bob"}, headers=root.headers)
    ).status_code == 201


async def test_a_deactivated_user_can_be_deleted_permanently(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob_id = await create_user(services, "bob")
    assert (await client.delete(f"{USERS}/{bob_id}", headers=root.headers)).status_code == 204
    assert (
        await client.delete(f"{USERS}/{bob_id}/permanently", headers=root.headers)
    ).status_code == 204
    assert (await _listing(client, root))["total"] == 1


# --- resetting passwords ----------------------------------------------------------------------


async def test_resetting_a_password_gives_a_new_temporary_one_and_ends_the_users_logins(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    bob = await create_and_login(services, client, "bob")

    response = await client.post(f"{USERS}/{bob.user_id}/reset-password", headers=root.headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"temporaryPassword"}
    temporary = response.json()["temporaryPassword"]
    assert len(temporary) == 16
    passwords.check_policy(temporary)

    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": bob.refresh_token})
    assert refreshed.status_code == 401
    old = await client.post(
        "/api/auth/login", json={"username": "bob", "password": DEFAULT_PASSWORD}
    )
    assert old.status_code == 401
    new = await client.post("/api/auth/login", json={"username": "bob", "password": temporary})
    assert new.status_code == 200
    assert new.json()["mustChangePassword"] is True
    # The reset ends every login of the user, access tokens included.
    assert (await client.get("/api/auth/me", headers=bob.headers)).status_code == 401
    gated = await client.get(
        "/api/users/privacy", headers={"Authorization": f"Bearer {new.json()['accessToken']}"}
    )
    assert gated.status_code == 403
    assert gated.json()["error"] == "MustChangePassword"
    assert (await _view(client, root, bob.user_id))["mustChangePassword"] is True


async def test_an_admin_cannot_reset_their_own_password_here(
    client: AsyncClient, services: Services
) -> None:
    await _root(services, client)
    deputy = await create_and_login(services, client, "deputy", admin=True)
    response = await client.post(f"{USERS}/{deputy.user_id}/reset-password", headers=deputy.headers)
    assert response.status_code == 403
    assert (await login(client, "deputy")).access_token


async def test_the_system_admins_password_cannot_be_reset_by_another_admin(
    client: AsyncClient, services: Services
) -> None:
    root = await _root(services, client)
    deputy = await create_and_login(services, client, "deputy", admin=True)
    response = await client.post(f"{USERS}/{root.user_id}/reset-password", headers=deputy.headers)
    assert response.status_code == 403
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": root.refresh_token})
    assert refreshed.status_code == 200
    me = await client.get("/api/auth/me", headers=root.headers)
    assert me.json()["user"]["mustChangePassword"] is False


# --- unknown and malformed ids ----------------------------------------------------------------

ID_ROUTES = [
    ("PUT", "{}", {"name": "x"}),
    ("DELETE", "{}", None),
    ("DELETE", "{}/permanently", None),
    ("POST", "{}/reset-password", None),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ID_ROUTES)
async def test_an_unknown_user_id_is_404(
    client: AsyncClient, services: Services, method: str, suffix: str, body: object
) -> None:
    root = await _root(services, client)
    url = f"{USERS}/" + suffix.format(uuid.uuid4())
    response = await client.request(method, url, json=body, headers=root.headers)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "Not Found"


@pytest.mark.parametrize(("method", "suffix", "body"), ID_ROUTES)
@pytest.mark.parametrize("bad_id", ["not-a-uuid", "123", "%27%20OR%201%3D1"])
async def test_a_malformed_user_id_is_a_client_error(
    client: AsyncClient, services: Services, method: str, suffix: str, body: object, bad_id: str
) -> None:
    root = await _root(services, client)
    url = f"{USERS}/" + suffix.format(bad_id)
    response = await client.request(method, url, json=body, headers=root.headers)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "path.user_id"
    assert (await _listing(client, root))["total"] == 1
