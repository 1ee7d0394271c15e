"""Track downloads and album archives on both storage tiers: names, bytes, ZIP layout, files
left out, and a client that goes away."""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from httpx import AsyncClient

from echo.bootstrap import Services
from tests.api.streaming import stream_url
from tests.builders import LoggedIn
from tests.fixtures.manifest import EVERY_FORMAT, LibraryManifest
from tests.fixtures.scanning import album_named


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
