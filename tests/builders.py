"""Builders for test data, going through the real services so rows look like production ones."""

from __future__ import annotations

from dataclasses import dataclass

from httpx import AsyncClient

from echo.bootstrap import Services
from echo.features.admin import service as admin_service
from echo.features.users import repository as users

DEFAULT_PASSWORD = "Sup3r-secret!"


@dataclass
class LoggedIn:
    user_id: str
    username: str
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


async def create_user(
    services: Services,
    username: str,
    *,
    admin: bool = False,
    password: str = DEFAULT_PASSWORD,
    must_change_password: bool = False,
) -> str:
    """A user with a known password; returns the id."""
    created = await admin_service.create_user(services, username, None, admin, password)
    async with services.sessions() as session:
        user = await users.get(session, created.user.id)
        assert user is not None
        user.must_change_password = must_change_password
        await session.commit()
    return str(created.user.id)


async def login(client: AsyncClient, username: str, password: str = DEFAULT_PASSWORD) -> LoggedIn:
    response = await client.post(
        "/api/auth/login", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return LoggedIn(
        user_id=body["user"]["id"],
        username=username,
        password=password,
        access_token=body["accessToken"],
        refresh_token=body["refreshToken"],
    )


async def create_and_login(
    services: Services,
    client: AsyncClient,
    username: str,
    *,
    admin: bool = False,
    must_change_password: bool = False,
) -> LoggedIn:
    await create_user(services, username, admin=admin, must_change_password=must_change_password)
    return await login(client, username)
