"""Stream tokens, audio streams with Range, downloads, album archives, lyrics and the path checks,
on both storage tiers, with the real files of the acceptance library."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.streaming.models import StreamToken
from echo.features.tracks.models import Track
from echo.features.users.models import User
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.library import build_library
from tests.fixtures.manifest import EVERY_FORMAT, LibraryManifest
from tests.fixtures.scanning import album_named, scan_library, track_named

FLAC = "02 - FLAC.flac"


@pytest.fixture
async def library(library_dir: Path, services: Services) -> LibraryManifest:
    manifest = build_library(library_dir)
    await scan_library(services)
    return manifest


@pytest.fixture
async def alice(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "alice")


async def new_token(client: AsyncClient, user: LoggedIn) -> str:
    response = await client.post("/api/stream-token/generate", headers=user.headers)
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture
async def token(client: AsyncClient, alice: LoggedIn) -> str:
    return await new_token(client, alice)


async def stream_url(services: Services, file_name: str, token: str, what: str = "stream") -> str:
    track = await track_named(services, file_name)
    return f"/api/tracks/{track.id}/{what}?token={token}"


async def stored_tokens(services: Services) -> list[StreamToken]:
    async with services.sessions() as session:
        return list(await session.scalars(select(StreamToken)))


# Stream tokens


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


# Streams and Range requests


MIME_TYPES = {
    "mp3": "audio/mpeg", "flac": "audio/flac", "m4a": "audio/mp4", "ogg": "audio/ogg",
    "opus": "audio/opus", "wav": "audio/wav", "aiff": "audio/aiff", "wma": "audio/x-ms-wma",
    "ape": "audio/ape", "wv": "audio/x-wavpack", "dsf": "audio/x-dsf",
}  # fmt: skip


async def test_a_whole_file_streams_as_is_with_its_mime_type_and_range_support(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    for fmt, mime in MIME_TYPES.items():
        expected = library.of_format(fmt).path
        url = await stream_url(services, expected.name, token)
        # Formats no browser plays are transcoded unless the original is asked for.
        playable = fmt in ("mp3", "flac", "m4a", "ogg", "opus", "wav")
        response = await client.get(url if playable else f"{url}&format=raw")

        assert response.status_code == 200, fmt
        assert response.content == expected.read_bytes(), fmt
        assert response.headers["content-type"] == mime
        assert response.headers["content-length"] == str(expected.stat().st_size)
        assert response.headers["accept-ranges"] == "bytes"
        assert response.headers["cache-control"] == "public, max-age=31536000"


RANGES = [
    ("bytes=0-99", 0, 99),  # start
    ("bytes=1000-2047", 1000, 2047),  # middle
    ("bytes=-100", -100, -1),  # suffix: the last 100 bytes
    ("bytes=5000-", 5000, -1),  # from an offset to the end
    ("bytes=-1", -1, -1),  # the very last byte
]


async def test_a_range_request_answers_206_with_exactly_those_bytes(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    data = library.file(FLAC).path.read_bytes()
    size = len(data)
    url = await stream_url(services, FLAC, token)
    for header, first, last in RANGES:
        start, end = first % size, last % size

        response = await client.get(url, headers={"Range": header})

        assert response.status_code == 206, header
        assert response.content == data[start : end + 1], header
        assert response.headers["content-range"] == f"bytes {start}-{end}/{size}"
        assert response.headers["content-length"] == str(end - start + 1)
        assert response.headers["accept-ranges"] == "bytes"


async def test_a_range_past_the_end_is_clipped_and_a_suffix_longer_than_the_file_is_all_of_it(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    data = library.file(FLAC).path.read_bytes()
    size = len(data)
    url = await stream_url(services, FLAC, token)

    clipped = await client.get(url, headers={"Range": f"bytes={size - 10}-{size + 500}"})
    whole = await client.get(url, headers={"Range": f"bytes=-{size * 2}"})

    assert clipped.status_code == 206
    assert clipped.content == data[-10:]
    assert clipped.headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"
    assert whole.status_code == 206
    assert whole.content == data
    assert whole.headers["content-range"] == f"bytes 0-{size - 1}/{size}"


async def test_an_unsatisfiable_range_answers_416_with_the_size(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    size = library.file(FLAC).path.stat().st_size
    url = await stream_url(services, FLAC, token)
    for header in (f"bytes={size}-", f"bytes={size}-{size + 10}", "bytes=-0", "bytes=9-3"):
        response = await client.get(url, headers={"Range": header})

        assert response.status_code == 416, header
        assert response.headers["content-range"] == f"bytes */{size}"


async def test_a_range_header_in_another_unit_or_with_several_ranges_gets_the_whole_file(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    data = library.file(FLAC).path.read_bytes()
    url = await stream_url(services, FLAC, token)
    for header in ("items=0-10", "bytes=0-1,5-9", "bytes=abc"):
        response = await client.get(url, headers={"Range": header})
        assert response.status_code == 200, header
        assert response.content == data


async def test_if_range_with_a_stale_etag_gets_the_whole_file(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    url = await stream_url(services, FLAC, token)
    etag = (await client.head(url)).headers["etag"]

    fresh = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": etag})
    stale = await client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"other"'})

    assert fresh.status_code == 206
    assert stale.status_code == 200


async def test_head_answers_the_headers_of_a_get_without_a_body(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    size = library.file(FLAC).path.stat().st_size
    url = await stream_url(services, FLAC, token)

    whole = await client.head(url)
    part = await client.head(url, headers={"Range": "bytes=10-19"})

    assert whole.status_code == 200
    assert whole.content == b""
    assert whole.headers["content-length"] == str(size)
    assert whole.headers["content-type"] == "audio/flac"
    assert whole.headers["accept-ranges"] == "bytes"
    assert part.status_code == 206
    assert part.content == b""
    assert part.headers["content-range"] == f"bytes 10-19/{size}"
    assert part.headers["content-length"] == "10"


# Downloads


async def test_a_download_names_the_original_file_and_supports_ranges(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    expected = library.file("02 Starálfur.mp3").path
    url = await stream_url(services, expected.name, token, "download")

    response = await client.get(url)
    part = await client.get(url, headers={"Range": "bytes=-5"})

    assert response.status_code == 200
    assert response.content == expected.read_bytes()
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="02 Staralfur.mp3"')
    assert f"filename*=UTF-8''{quote('02 Starálfur.mp3')}" in disposition
    assert part.status_code == 206
    assert part.content == expected.read_bytes()[-5:]


async def test_an_album_downloads_as_a_stored_zip_of_its_tracks_and_cover(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)

    response = await client.get(f"/api/albums/{album.id}/download", params={"token": token})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    folder = "Echo Ensemble - Every Format"
    assert f"filename*=UTF-8''{quote(folder + '.zip')}" in response.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    files = [f for f in library.files if f.album == EVERY_FORMAT]
    expected = {
        f"{folder}/{n:02d} - {f.title}.{f.path.suffix[1:]}": f.path.read_bytes()
        for n, f in enumerate(sorted(files, key=lambda f: f.tags["track_number"]), start=1)
    }
    cover = library.album(EVERY_FORMAT).cover_image
    assert cover is not None
    expected[f"{folder}/cover.jpg"] = cover
    assert archive.namelist() == list(expected)
    for name, data in expected.items():
        assert archive.read(name) == data, name
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    sizes = sum(len(data) for data in expected.values())
    assert response.headers["x-estimated-size"] == str(sizes)


async def test_tracks_of_a_second_disc_get_the_disc_number_in_the_zip(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, "Морская")

    response = await client.get(f"/api/albums/{album.id}/download", params={"token": token})

    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert names == [
        "Мумий Тролль - Морская/01 - Девочка.flac",
        "Мумий Тролль - Морская/02 - Утекай.mp3",
        "Мумий Тролль - Морская/2-01 - Владивосток 2000.ogg",
    ]


async def test_an_unknown_album_or_track_is_404(
    client: AsyncClient, alice: LoggedIn, token: str, library: LibraryManifest
) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for url in (
        f"/api/albums/{unknown}/download",
        f"/api/tracks/{unknown}/stream",
        f"/api/tracks/{unknown}/download",
    ):
        assert (await client.get(url, params={"token": token})).status_code == 404, url
    lyrics = await client.get(f"/api/tracks/{unknown}/lyrics", headers=alice.headers)
    assert lyrics.status_code == 404


async def test_an_album_download_needs_a_token(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)
    assert (await client.get(f"/api/albums/{album.id}/download")).status_code == 401


# File-system safety


async def point_track_at(services: Services, file_name: str, path: Path) -> Track:
    track = await track_named(services, file_name)
    async with services.sessions() as session:
        await session.execute(update(Track).where(Track.id == track.id).values(path=str(path)))
        await session.commit()
    return track


async def test_a_track_whose_path_is_outside_the_library_and_data_folders_is_403(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest, tmp_path: Path
) -> None:
    secret = tmp_path / "outside" / "secret.flac"
    secret.parent.mkdir()
    secret.write_bytes(b"not for you")
    track = await point_track_at(services, FLAC, secret)
    traversal = await point_track_at(
        services, "01 - MP3.mp3", library.root / ".." / "outside" / "secret.flac"
    )

    for target in (track, traversal):
        for what in ("stream", "download"):
            response = await client.get(f"/api/tracks/{target.id}/{what}", params={"token": token})
            assert response.status_code == 403, (target.path, what)
            assert b"not for you" not in response.content


async def test_a_symlink_inside_the_library_pointing_outside_is_403(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest, tmp_path: Path
) -> None:
    secret = tmp_path / "elsewhere.flac"
    secret.write_bytes(b"private bytes")
    link = library.root / "Echo Ensemble" / "link.flac"
    os.symlink(secret, link)
    track = await point_track_at(services, FLAC, link)

    response = await client.get(f"/api/tracks/{track.id}/stream", params={"token": token})
    head = await client.head(f"/api/tracks/{track.id}/stream", params={"token": token})

    assert response.status_code == 403
    assert head.status_code == 403


async def test_an_album_download_leaves_out_tracks_outside_the_roots_or_missing(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.flac"
    secret.write_bytes(b"private bytes")
    await point_track_at(services, FLAC, secret)
    library.file("01 - MP3.mp3").path.unlink()
    album = await album_named(services, EVERY_FORMAT)

    response = await client.get(f"/api/albums/{album.id}/download", params={"token": token})

    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len(names) == 11  # 12 tracks and the cover, less two
    assert not any(name.endswith(("MP3.mp3", "FLAC.flac")) for name in names)
    assert b"private bytes" not in response.content


async def test_a_track_whose_file_is_gone_is_404(
    client: AsyncClient, token: str, services: Services, library: LibraryManifest
) -> None:
    library.file(FLAC).path.unlink()
    response = await client.get(await stream_url(services, FLAC, token))
    assert response.status_code == 404


# A client that goes away


async def test_a_client_that_disconnects_stops_the_album_archive(
    app: FastAPI, token: str, services: Services, library: LibraryManifest
) -> None:
    album = await album_named(services, EVERY_FORMAT)
    open_files_before = len(os.listdir("/proc/self/fd"))
    disconnected = asyncio.Event()
    sent: list[dict[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await disconnected.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and len(sent) >= 3:
            disconnected.set()
            await asyncio.sleep(0.05)  # a slow network: the disconnect arrives meanwhile

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": f"/api/albums/{album.id}/download",
        "raw_path": f"/api/albums/{album.id}/download".encode(),
        "query_string": f"token={token}".encode(), "headers": [(b"host", b"testserver")],
        "client": ("203.0.113.7", 50000), "server": ("testserver", 80), "root_path": "",
    }  # fmt: skip
    await asyncio.wait_for(app(scope, receive, send), timeout=10)

    bodies = [m for m in sent if m["type"] == "http.response.body"]
    total = sum(len(m.get("body", b"")) for m in bodies)
    assert sent[0]["status"] == 200
    assert total < sum(f.path.stat().st_size for f in library.files if f.album == EVERY_FORMAT)
    assert not any(m.get("more_body") is False for m in bodies)  # never finished
    assert len(os.listdir("/proc/self/fd")) <= open_files_before


# Lyrics


async def test_lyrics_answer_the_plain_text_and_the_timed_lines(
    client: AsyncClient, alice: LoggedIn, services: Services, library: LibraryManifest
) -> None:
    synced = await track_named(services, "01 - MP3.mp3")
    sidecar = await track_named(services, "02 Starálfur.mp3")
    plain_only = await track_named(services, FLAC)
    without = await track_named(services, "Old Song.mp3")

    assert (await client.get(f"/api/tracks/{synced.id}/lyrics", headers=alice.headers)).json() == {
        "plain": "First line of MP3\nSecond line",
        "synced": [
            {"timeMs": 0, "text": "First line of MP3"},
            {"timeMs": 500, "text": "Second line"},
        ],
    }
    assert (await client.get(f"/api/tracks/{sidecar.id}/lyrics", headers=alice.headers)).json() == {
        "plain": "Starálfur\nStaring elf",
        "synced": [{"timeMs": 200, "text": "Starálfur"}, {"timeMs": 800, "text": "Staring elf"}],
    }
    assert (
        await client.get(f"/api/tracks/{plain_only.id}/lyrics", headers=alice.headers)
    ).json() == {
        "plain": "First line of FLAC\nSecond line",
        "synced": [],
    }
    assert (await client.get(f"/api/tracks/{without.id}/lyrics", headers=alice.headers)).json() == {
        "plain": None,
        "synced": [],
    }


async def test_lyrics_need_a_logged_in_user(
    client: AsyncClient, services: Services, library: LibraryManifest
) -> None:
    track = await track_named(services, FLAC)
    assert (await client.get(f"/api/tracks/{track.id}/lyrics")).status_code == 401
