"""Stream tokens on both storage tiers: issued, hashed, one per user, expiring, revoked, and
who they stream as."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from httpx import AsyncClient
from sqlalchemy import update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.streaming.models import StreamToken
from echo.features.users.models import User
from tests.api.streaming import FLAC, new_token, stored_tokens, stream_url
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.manifest import LibraryManifest
from tests.fixtures.scanning import track_named


async def test_a_stream_token_is_64_hex_characters_for_24_hours_and_only_its_hash_is_stored(
    client: AsyncClient, alice: LoggedIn, services: Services
) -> None:
    before = utcnow()
    response = await client.post("/api/stream-token/generate", headers=alice.headers)

    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) == 64
    int(body["token"], 16)
    (stored,) = await stored_tokens(services)
    assert stored.token_hash == hashlib.sha256(body["token"].encode()).hexdigest()
    assert body["token"] not in stored.token_hash
    lifetime = stored.expires_at - before
    assert timedelta(hours=23, minutes=59) < lifetime <= timedelta(hours=24, seconds=5)
    assert body["expiresAt"].startswith(stored.expires_at.isoformat()[:19])


async def test_getting_a_token_issues_a_fresh_one_and_the_previous_one_stops_working(
    client: AsyncClient, alice: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    first = await new_token(client, alice)
    assert (await client.head(await stream_url(services, FLAC, first))).status_code == 200

    second = (await client.get("/api/stream-token", headers=alice.headers)).json()["token"]

    assert second != first
    assert len(await stored_tokens(services)) == 1
    assert (await client.head(await stream_url(services, FLAC, first))).status_code == 401
    assert (await client.head(await stream_url(services, FLAC, second))).status_code == 200


async def test_token_routes_need_a_logged_in_user(client: AsyncClient) -> None:
    assert (await client.post("/api/stream-token/generate")).status_code == 401
    assert (await client.get("/api/stream-token")).status_code == 401
    assert (await client.delete("/api/stream-token")).status_code == 401


async def test_a_stream_without_a_token_or_with_an_unknown_one_is_refused(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    track = await track_named(services, FLAC)
    url = f"/api/tracks/{track.id}/stream"

    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, params={"token": "0" * 64})).status_code == 401
    assert (await client.get(url, params={"token": "short"})).status_code == 401
    assert (await client.get(url, headers={"X-Stream-Token": "f" * 64})).status_code == 401


async def test_the_token_is_accepted_in_the_query_or_in_the_x_stream_token_header(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    track = await track_named(services, FLAC)
    url = f"/api/tracks/{track.id}/stream"

    assert (await client.get(url, params={"token": token})).status_code == 200
    assert (await client.get(url, headers={"X-Stream-Token": token})).status_code == 200


async def test_a_token_acts_as_its_owner_only(
    client: AsyncClient, alice: LoggedIn, token: str, services: Services, library: LibraryManifest
) -> None:
    bob = await create_and_login(services, client, "bob")
    bob_token = await new_token(client, bob)
    url = await stream_url(services, FLAC, bob_token)

    assert (await client.get(url)).status_code == 200
    tokens = {row.user_id: row for row in await stored_tokens(services)}
    assert tokens[uuid.UUID(bob.user_id)].last_used_at is not None
    assert tokens[uuid.UUID(alice.user_id)].last_used_at is None

    # Bob revoking his token ends his streams, not Alice's.
    assert (await client.delete("/api/stream-token", headers=bob.headers)).status_code == 204
    assert (await client.get(url)).status_code == 401
    assert (await client.get(await stream_url(services, FLAC, token))).status_code == 200


async def test_an_expired_token_is_refused(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    async with services.sessions() as session:
        await session.execute(
            update(StreamToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()

    response = await client.get(await stream_url(services, FLAC, token))

    assert response.status_code == 401
    assert "expired" in response.json()["message"]


async def test_the_token_of_a_deactivated_user_is_refused(
    client: AsyncClient, alice: LoggedIn, token: str, services: Services, library: LibraryManifest
) -> None:
    async with services.sessions() as session:
        await session.execute(update(User).where(User.username == "alice").values(is_active=False))
        await session.commit()

    assert (await client.get(await stream_url(services, FLAC, token))).status_code == 401


async def test_logging_out_revokes_the_stream_token(
    client: AsyncClient, alice: LoggedIn, token: str, services: Services, library: LibraryManifest
) -> None:
    url = await stream_url(services, FLAC, token)
    assert (await client.get(url)).status_code == 200  # now cached as valid

    assert (await client.post("/api/auth/logout", headers=alice.headers)).status_code == 200

    assert await stored_tokens(services) == []
    assert (await client.get(url)).status_code == 401


async def test_a_user_who_must_change_the_password_can_still_get_a_token_and_stream(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    carol = await create_and_login(services, client, "carol", must_change_password=True)
    assert (await client.get("/api/users/privacy", headers=carol.headers)).status_code == 403

    token = await new_token(client, carol)

    assert (await client.get(await stream_url(services, FLAC, token))).status_code == 200


async def test_an_access_token_in_the_authorization_header_also_streams(
    client: AsyncClient, alice: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    track = await track_named(services, FLAC)
    response = await client.get(f"/api/tracks/{track.id}/stream", headers=alice.headers)
    assert response.status_code == 200
