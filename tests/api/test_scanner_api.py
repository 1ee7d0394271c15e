"""/api/scanner over HTTP, on both storage tiers: starting and following a scan, the one-scan
lock, scan history, missing files and the purge mode, admin only."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.scanner import service
from echo.features.tracks.models import Track
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.library import build_library
from tests.fixtures.manifest import LibraryManifest


@pytest.fixture
def library(library_dir: Path) -> LibraryManifest:
    return build_library(library_dir)


@pytest.fixture
async def admin(services: Services, client: AsyncClient) -> LoggedIn:
    # With Redis, scan jobs are an `echo-music worker`'s work: consume them in this process.
    if services.redis is not None:
        await services.jobs.start_consumers()
    return await create_and_login(services, client, "root", admin=True)


async def wait_until_finished(
    client: AsyncClient, admin: LoggedIn, scan_id: str, within: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        response = await client.get(f"/api/scanner/{scan_id}", headers=admin.headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] not in ("pending", "running", "paused"):
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"scan {scan_id} still {body['status']} after {within} s")
        await asyncio.sleep(0.05)


async def scan(services: Services) -> None:
    started = await service.start_scan(services)
    assert (await service.run(services, started.id)).status == "completed"


async def tracks_by_path(services: Services) -> dict[str, Track]:
    async with services.sessions() as session:
        return {track.path: track for track in await session.scalars(select(Track))}


async def test_start_answers_202_with_the_scan_id_and_the_scan_runs_to_completion(
    client: AsyncClient, admin: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    response = await client.post("/api/scanner/start", headers=admin.headers)

    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "pending"
    assert started["message"]
    assert started["startedAt"]
    finished = await wait_until_finished(client, admin, started["id"])
    assert finished["id"] == started["id"]
    assert finished["status"] == "completed"
    assert finished["kind"] == "full"
    assert finished["filesScanned"] == 33
    assert (finished["tracksAdded"], finished["tracksUpdated"], finished["tracksDeleted"]) == (
        30,
        0,
        0,
    )
    assert (finished["totalChanges"], finished["errors"]) == (30, 3)
    assert finished["errorMessage"] is None
    assert finished["finishedAt"] is not None and finished["durationMs"] >= 0
    tracks = await tracks_by_path(services)
    assert {path: t.title for path, t in tracks.items()} == {
        str(f.path): f.title for f in library.files
    }


async def test_a_second_start_while_one_is_active_answers_409_scan_already_running(
    client: AsyncClient, admin: LoggedIn, library: LibraryManifest
) -> None:
    first = await client.post("/api/scanner/start", headers=admin.headers)
    assert first.status_code == 202

    second = await client.post("/api/scanner/start", headers=admin.headers)

    assert second.status_code == 409, second.text
    body = second.json()
    assert (body["statusCode"], body["code"]) == (409, "SCAN_ALREADY_RUNNING")
    assert body["message"] == "A scan is already running"
    assert (await wait_until_finished(client, admin, first.json()["id"]))["status"] == "completed"
    third = await client.post("/api/scanner/start", headers=admin.headers)
    assert third.status_code == 202
    assert third.json()["id"] != first.json()["id"]
    await wait_until_finished(client, admin, third.json()["id"])


async def test_start_with_a_folder_scans_only_that_folder(
    client: AsyncClient, admin: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    folder = library.root / "Alpha"
    response = await client.post(
        "/api/scanner/start", headers=admin.headers, json={"path": str(folder)}
    )

    assert response.status_code == 202, response.text
    finished = await wait_until_finished(client, admin, response.json()["id"])
    assert (finished["status"], finished["kind"], finished["tracksAdded"]) == (
        "completed",
        "incremental",
        6,
    )
    assert all(path.startswith(f"{folder}/") for path in await tracks_by_path(services))
    outside = await client.post("/api/scanner/start", headers=admin.headers, json={"path": "/etc"})
    assert outside.status_code == 403


async def test_history_lists_scans_newest_first_in_pages(
    client: AsyncClient, admin: LoggedIn, services: Services
) -> None:
    ids = []
    for _ in range(3):
        started = await service.start_scan(services)
        await service.run(services, started.id)
        ids.append(str(started.id))

    first = await client.get("/api/scanner?page=1&limit=2", headers=admin.headers)
    second = await client.get("/api/scanner?page=2&limit=2", headers=admin.headers)

    assert first.status_code == second.status_code == 200
    page_one, page_two = first.json(), second.json()
    assert [s["id"] for s in page_one["scans"]] == [ids[2], ids[1]]
    assert [s["id"] for s in page_two["scans"]] == [ids[0]]
    assert (page_one["total"], page_one["page"], page_one["limit"], page_one["totalPages"]) == (
        3,
        1,
        2,
        2,
    )
    assert page_two["page"] == 2
    assert {s["status"] for s in page_one["scans"] + page_two["scans"]} == {"completed"}
    everything = (await client.get("/api/scanner", headers=admin.headers)).json()
    assert [s["id"] for s in everything["scans"]] == ids[::-1]
    assert (everything["limit"], everything["totalPages"]) == (20, 1)
    for query in ("limit=101", "limit=0", "page=0", "page=x"):
        response = await client.get(f"/api/scanner?{query}", headers=admin.headers)
        assert response.status_code == 400, query


async def test_an_unknown_scan_is_404_and_a_malformed_id_400(
    client: AsyncClient, admin: LoggedIn
) -> None:
    unknown = await client.get(f"/api/scanner/{uuid.uuid4()}", headers=admin.headers)
    malformed = await client.get("/api/scanner/not-a-uuid", headers=admin.headers)

    assert unknown.status_code == 404
    assert malformed.status_code == 400


async def test_missing_files_are_listed_purged_by_policy_and_deleted_one_by_one(
    client: AsyncClient, admin: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    old_song = library.file("Old Song.mp3")
    loop_track = library.file("Loop Track.ogg")
    tracks = await tracks_by_path(services)
    old_id, loop_id = str(tracks[str(old_song.path)].id), str(tracks[str(loop_track.path)].id)
    old_song.path.unlink()
    loop_track.path.unlink()
    await scan(services)

    listed = await client.get("/api/scanner/missing-files", headers=admin.headers)

    assert listed.status_code == 200
    body = listed.json()
    assert (body["count"], body["purgeMode"]) == (2, "never")
    rows = {t["id"]: t for t in body["tracks"]}
    assert rows[old_id] | {"missingAt": None} == {
        "id": old_id,
        "title": "Old Song",
        "path": str(old_song.path),
        "albumName": "Old Album",
        "artistName": "Old Timer",
        "missingAt": None,
    }
    assert rows[old_id]["missingAt"] and set(rows) == {old_id, loop_id}

    # `never`: purging deletes nothing.
    kept = await client.post("/api/scanner/missing-files/purge", headers=admin.headers)
    assert kept.status_code == 200
    assert (kept.json()["success"], kept.json()["deleted"]) == (True, 0)

    # One by one, whatever the policy; the album and artist left empty go with it.
    deleted = await client.delete(f"/api/scanner/missing-files/{old_id}", headers=admin.headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["success"] is True
    async with services.sessions() as session:
        assert await session.get(Track, uuid.UUID(old_id)) is None
        assert await session.scalar(select(Album).where(Album.name == "Old Album")) is None
        assert await session.scalar(select(Artist).where(Artist.name == "Old Timer")) is None
    again = await client.delete(f"/api/scanner/missing-files/{old_id}", headers=admin.headers)
    assert again.status_code == 404
    present = str(tracks[str(library.file("01 Together.flac").path)].id)
    refused = await client.delete(f"/api/scanner/missing-files/{present}", headers=admin.headers)
    assert refused.status_code == 404
    assert str(library.file("01 Together.flac").path) in await tracks_by_path(services)

    # `always`: purging deletes every missing track.
    changed = await client.put(
        "/api/scanner/missing-files/purge-mode", headers=admin.headers, json={"mode": "always"}
    )
    assert changed.json() == {"mode": "always"}
    purged = await client.post("/api/scanner/missing-files/purge", headers=admin.headers)
    assert purged.json()["deleted"] == 1
    after = (await client.get("/api/scanner/missing-files", headers=admin.headers)).json()
    assert (after["count"], after["tracks"], after["purgeMode"]) == (0, [], "always")
    assert str(loop_track.path) not in await tracks_by_path(services)


async def test_after_days_purges_only_tracks_missing_longer_than_n_days(
    client: AsyncClient, admin: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    old_song, loop_track = library.file("Old Song.mp3").path, library.file("Loop Track.ogg").path
    old_song.unlink()
    loop_track.unlink()
    await scan(services)
    tracks = await tracks_by_path(services)
    async with services.sessions() as session:
        for path, days in ((old_song, 8), (loop_track, 6)):
            await session.execute(
                update(Track)
                .where(Track.id == tracks[str(path)].id)
                .values(missing_at=utcnow() - timedelta(days=days))
            )
        await session.commit()

    put = await client.put(
        "/api/scanner/missing-files/purge-mode",
        headers=admin.headers,
        json={"mode": "after_days:7"},
    )
    purged = await client.post("/api/scanner/missing-files/purge", headers=admin.headers)

    assert put.status_code == 200 and put.json() == {"mode": "after_days:7"}
    got = await client.get("/api/scanner/missing-files/purge-mode", headers=admin.headers)
    assert got.json() == {"mode": "after_days:7"}
    assert purged.json()["deleted"] == 1
    remaining = await tracks_by_path(services)
    assert str(old_song) not in remaining
    assert remaining[str(loop_track)].missing_at is not None


async def test_an_invalid_purge_mode_is_a_400_and_leaves_the_mode_unchanged(
    client: AsyncClient, admin: LoggedIn
) -> None:
    for mode in ("sometimes", "after_days:", "after_days:-1", "after_days:x", "", "a" * 100):
        response = await client.put(
            "/api/scanner/missing-files/purge-mode", headers=admin.headers, json={"mode": mode}
        )
        assert response.status_code == 400, mode
        assert response.json()["message"], mode
    missing_body = await client.put("/api/scanner/missing-files/purge-mode", headers=admin.headers)
    assert missing_body.status_code == 400

    got = await client.get("/api/scanner/missing-files/purge-mode", headers=admin.headers)
    assert got.json() == {"mode": "never"}


SCANNER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("POST", "/api/scanner/start", None),
    ("GET", "/api/scanner", None),
    ("GET", f"/api/scanner/{uuid.UUID(int=1)}", None),
    ("GET", "/api/scanner/missing-files", None),
    ("POST", "/api/scanner/missing-files/purge", None),
    ("DELETE", f"/api/scanner/missing-files/{uuid.UUID(int=1)}", None),
    ("GET", "/api/scanner/missing-files/purge-mode", None),
    ("PUT", "/api/scanner/missing-files/purge-mode", {"mode": "always"}),
]


async def test_every_scanner_route_is_for_admins_only(
    client: AsyncClient, services: Services, admin: LoggedIn
) -> None:
    user = await create_and_login(services, client, "listener")
    for method, url, body in SCANNER_ROUTES:
        as_user = await client.request(method, url, headers=user.headers, json=body)
        anonymous = await client.request(method, url, json=body)
        assert as_user.status_code == 403, (method, url, as_user.text)
        assert anonymous.status_code == 401, (method, url)
    # Nothing happened on their behalf.
    assert (await client.get("/api/scanner", headers=admin.headers)).json()["total"] == 0
    mode = await client.get("/api/scanner/missing-files/purge-mode", headers=admin.headers)
    assert mode.json() == {"mode": "never"}
