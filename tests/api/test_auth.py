"""Login, refresh rotation, logout and /me, on both storage tiers."""

from __future__ import annotations

from httpx import AsyncClient

from echo.bootstrap import Services
from tests.builders import DEFAULT_PASSWORD, create_and_login, create_user, login


async def test_login_returns_tokens_and_the_user(client: AsyncClient, services: Services) -> None:
    await create_user(services, "alice")
    response = await client.post(
        "/api/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == "alice"
    assert body["user"]["isAdmin"] is False
    assert body["user"]["hasAvatar"] is False
    assert body["mustChangePassword"] is False
    assert body["accessToken"] != body["refreshToken"]


async def test_login_is_case_insensitive_on_the_username(
    client: AsyncClient, services: Services
) -> None:
    await create_user(services, "Alice")
    response = await client.post(
        "/api/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200


async def test_wrong_password_and_unknown_user_get_the_same_401(
    client: AsyncClient, services: Services
) -> None:
    await create_user(services, "alice")
    wrong = await client.post(
        "/api/auth/login", json={"username": "alice", "password": "Wrong-pass1!"}
    )
    unknown = await client.post(
        "/api/auth/login", json={"username": "nobody", "password": "Wrong-pass1!"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"]


async def test_me_rereads_the_user(client: AsyncClient, services: Services) -> None:
    alice = await create_and_login(services, client, "alice")
    response = await client.get("/api/auth/me", headers=alice.headers)
    assert response.status_code == 200
    user = response.json()["user"]
    assert user["username"] == "alice"
    assert user["isActive"] is True
    assert user["mustChangePassword"] is False


async def test_login_and_me_carry_the_stored_theme_and_language(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    me = (await client.get("/api/auth/me", headers=alice.headers)).json()["user"]
    assert (me["theme"], me["language"]) == ("dark", "en")

    theme = await client.put("/api/users/theme", headers=alice.headers, json={"theme": "light"})
    language = await client.put(
        "/api/users/language", headers=alice.headers, json={"language": "fr"}
    )
    assert theme.status_code == language.status_code == 204
    me = (await client.get("/api/auth/me", headers=alice.headers)).json()["user"]
    assert (me["theme"], me["language"]) == ("light", "fr")
    again = await client.post(
        "/api/auth/login", json={"username": "alice", "password": DEFAULT_PASSWORD}
    )
    assert (again.json()["user"]["theme"], again.json()["user"]["language"]) == ("light", "fr")


async def test_refresh_rotates_and_refuses_a_replayed_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    first = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert first.status_code == 200
    rotated = first.json()["refreshToken"]
    assert rotated != alice.refresh_token
    replay = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert replay.status_code == 401
    # The replay ends the whole login: the token issued by the rotation is refused too.
    after_replay = await client.post("/api/auth/refresh", json={"refreshToken": rotated})
    assert after_replay.status_code == 401


async def test_new_access_token_from_refresh_works(client: AsyncClient, services: Services) -> None:
    alice = await create_and_login(services, client, "alice")
    refreshed = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    token = refreshed.json()["accessToken"]
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


async def test_an_access_token_is_not_a_refresh_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    response = await client.post("/api/auth/refresh", json={"refreshToken": alice.access_token})
    assert response.status_code == 401


async def test_logout_revokes_the_access_token_and_the_refresh_token(
    client: AsyncClient, services: Services
) -> None:
    alice = await create_and_login(services, client, "alice")
    logout = await client.post("/api/auth/logout", headers=alice.headers)
    assert logout.status_code == 200
    assert (await client.get("/api/auth/me", headers=alice.headers)).status_code == 401
    refresh = await client.post("/api/auth/refresh", json={"refreshToken": alice.refresh_token})
    assert refresh.status_code == 401


async def test_logout_of_one_login_leaves_another_login_working(
    client: AsyncClient, services: Services
) -> None:
    phone = await create_and_login(services, client, "alice")
    laptop = await login(client, "alice")
    await client.post("/api/auth/logout", headers=phone.headers)
    assert (await client.get("/api/auth/me", headers=laptop.headers)).status_code == 200


async def test_login_validation_names_the_field(client: AsyncClient) -> None:
    response = await client.post("/api/auth/login", json={"username": "al", "password": "x"})
    assert response.status_code == 400
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"username", "password"}


async def test_unknown_body_fields_are_refused(client: AsyncClient, services: Services) -> None:
    await create_user(services, "alice")
    response = await client.post(
        "/api/auth/login",
        json={"username": "alice", "password": DEFAULT_PASSWORD, "isAdmin": True},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "isAdmin"
