"""Helpers of the streaming, download and stream-token API tests."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select

from echo.bootstrap import Services
from echo.features.streaming.models import StreamToken
from tests.builders import LoggedIn
from tests.fixtures.scanning import track_named

FLAC = "02 - FLAC.flac"


async def new_token(client: AsyncClient, user: LoggedIn) -> str:
    response = await client.post("/api/stream-token/generate", headers=user.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


async def stream_url(services: Services, file_name: str, token: str, what: str = "stream") -> str:
    track = await track_named(services, file_name)
    return f"/api/tracks/{track.id}/{what}?token={token}"


async def stored_tokens(services: Services) -> list[StreamToken]:
    async with services.sessions() as session:
        return list(await session.scalars(select(StreamToken)))
