"""Audio streams on both storage tiers with the real files of the acceptance library: Range
requests, HEAD, MIME types, the path checks, and lyrics."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from httpx import AsyncClient
from sqlalchemy import update

from echo.bootstrap import Services
from echo.features.tracks.models import Track
from tests.api.streaming import FLAC, stream_url
from tests.builders import LoggedIn
from tests.fixtures.manifest import EVERY_FORMAT, LibraryManifest
from tests.fixtures.scanning import album_named, track_named

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
