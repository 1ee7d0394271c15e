"""The cache-aside library repositories, on SQLite + in-process cache and on PostgreSQL + Redis:
a second read is served by the cache (the SQL repository is not reached); a rescan that changes
an album, a play, a rating and a star make the next read fresh; with Redis down, reads fall
through to the database."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import update

from echo.app import create_app
from echo.bootstrap import Services
from echo.features.albums.models import Album
from echo.features.scanner import service as scanner
from tests.builders import LoggedIn, create_and_login
from tests.conftest import _empty_storage, make_settings
from tests.e2e.processes import RedisServer
from tests.fixtures.audio import encode_clip, tag_file
from tests.fixtures.bulk_library import insert_library


class Counting:
    """Stands in for a repository and counts the calls that reach it."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.inner, name)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return await method(*args, **kwargs)

        return counted


def count_album_reads(services: Services) -> Counter[str]:
    """Wraps the SQL album repository behind the cached one; returns its call counter."""
    cached: Any = services.library.albums
    spy = Counting(cached.source)
    cached.source = spy
    return spy.calls


def write_track(library: Path, number: int, title: str) -> None:
    path = encode_clip(library / "Tide" / "Shore" / f"{number:02d} {title}.mp3", "mp3", 1.0)
    tag_file(
        path, title=title, artist="Tide", album_artist="Tide", album="Shore",
        track_number=number, date="2020", genres=["Ambient"],
    )  # fmt: skip


async def scan(services: Services) -> None:
    started = await scanner.start_scan(services)
    assert (await scanner.run(services, started.id)).status == "completed"


@pytest.fixture
async def reader(services: Services, client: AsyncClient) -> LoggedIn:
    return await create_and_login(services, client, "reader")


async def album_json(client: AsyncClient, who: LoggedIn, album_id: object) -> dict[str, Any]:
    response = await client.get(f"/api/albums/{album_id}", headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_second_read_of_an_album_is_served_from_the_cache(
    client: AsyncClient, reader: LoggedIn, services: Services
) -> None:
    library = await insert_library(
        services.sessions, artists=1, albums_per_artist=2, tracks_per_album=3
    )
    album_id = library.albums[0]
    reads = count_album_reads(services)
    first = await album_json(client, reader, album_id)
    assert reads["get"] == 1
    # Changed behind the application's back: only a cache hit can still answer the old value.
    async with services.sessions() as session:
        await session.execute(update(Album).where(Album.id == album_id).values(description="new"))
        await session.commit()
    second = await album_json(client, reader, album_id)
    assert reads["get"] == 1
    assert second == first and second["description"] is None
    # Another album is a miss of its own.
    await album_json(client, reader, library.albums[1])
    assert reads["get"] == 2


async def test_a_rescan_that_changes_an_album_makes_the_next_read_fresh(
    client: AsyncClient, reader: LoggedIn, services: Services, library_dir: Path
) -> None:
    write_track(library_dir, 1, "Low")
    write_track(library_dir, 2, "High")
    await scan(services)
    found = await client.get("/api/albums/search/shore", headers=reader.headers)
    (album,) = found.json()["data"]
    reads = count_album_reads(services)
    assert (await album_json(client, reader, album["id"]))["songCount"] == 2
    assert (await album_json(client, reader, album["id"]))["songCount"] == 2
    assert reads["get"] == 1

    write_track(library_dir, 3, "Ebb")
    await scan(services)
    fresh = await album_json(client, reader, album["id"])
    assert reads["get"] == 2
    assert fresh["songCount"] == 3 and fresh["duration"] > album["duration"]
    tracks = await client.get(f"/api/albums/{album['id']}/tracks", headers=reader.headers)
    assert [t["title"] for t in tracks.json()["data"]] == ["Low", "High", "Ebb"]


async def test_a_play_shows_in_the_players_recently_played_albums_at_once(
    client: AsyncClient, reader: LoggedIn, services: Services
) -> None:
    library = await insert_library(
        services.sessions, artists=1, albums_per_artist=2, tracks_per_album=2
    )
    path = "/api/albums/recently-played"
    assert (await client.get(path, headers=reader.headers)).json() == {"data": []}
    for track in (library.tracks[2], library.tracks[0]):
        played = await client.post(
            "/api/play-tracking/play",
            json={"trackId": str(track), "playContext": "album", "completionRate": 1.0},
            headers=reader.headers,
        )
        assert played.status_code in (200, 201), played.text
        body = (await client.get(path, headers=reader.headers)).json()
        assert body["data"][0]["id"] == str(library.albums[0 if track == library.tracks[0] else 1])


async def test_rating_or_starring_an_album_drops_its_cached_payload_and_shows_at_once(
    client: AsyncClient, reader: LoggedIn, services: Services
) -> None:
    library = await insert_library(
        services.sessions, artists=1, albums_per_artist=2, tracks_per_album=2
    )
    album_id = library.albums[1]
    reads = count_album_reads(services)
    await album_json(client, reader, album_id)
    await album_json(client, reader, album_id)
    assert reads["get"] == 1
    rated = await client.post(
        "/api/interactions/rating",
        json={"itemType": "album", "itemId": str(album_id), "rating": 4},
        headers=reader.headers,
    )
    assert rated.status_code == 200, rated.text
    await album_json(client, reader, album_id)
    assert reads["get"] == 2

    favorites = "/api/albums/favorites"
    assert (await client.get(favorites, headers=reader.headers)).json()["total"] == 0
    starred = await client.put(
        f"/api/interactions/favorite/album/{album_id}", headers=reader.headers
    )
    assert starred.status_code == 200, starred.text
    body = (await client.get(favorites, headers=reader.headers)).json()
    assert [a["id"] for a in body["data"]] == [str(album_id)]


@pytest.fixture
async def redis_server(tmp_path: Path) -> AsyncIterator[RedisServer]:
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def app_on_private_redis(
    backend: str,
    database_urls: dict[str, str],
    tmp_path: Path,
    library_dir: Path,
    redis_server: RedisServer,
) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        backend, database_urls, tmp_path, library_dir, redis_url=redis_server.url
    )
    application = create_app(settings)
    async with LifespanManager(application):
        try:
            yield application
        finally:
            redis_server.start()  # so the storage can be emptied of this test's keys
            await _empty_storage(application.state.services)


async def test_with_redis_down_library_reads_fall_through_to_the_database(
    app_on_private_redis: FastAPI, redis_server: RedisServer
) -> None:
    services: Services = app_on_private_redis.state.services
    transport = ASGITransport(app=app_on_private_redis, client=("203.0.113.9", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as client:
        reader = await create_and_login(services, client, "reader")
        library = await insert_library(
            services.sessions, artists=1, albums_per_artist=1, tracks_per_album=3
        )
        album_id = library.albums[0]
        reads = count_album_reads(services)
        await album_json(client, reader, album_id)
        await album_json(client, reader, album_id)
        assert reads["get"] == 1  # the second read came from Redis

        redis_server.stop()
        for expected_reads in (2, 3):
            body = await album_json(client, reader, album_id)
            assert body["id"] == str(album_id)
            assert reads["get"] == expected_reads
        search = await client.get("/api/search", params={"q": "amber"}, headers=reader.headers)
        assert search.status_code == 200
        assert search.json()["tracks"]["total"] == 3
        assert uuid.UUID(search.json()["albums"]["data"][0]["id"]) == album_id
