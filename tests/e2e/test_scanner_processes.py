"""A scan killed half-way: `python -m echo scan` gets SIGKILL (with its pool processes) once it
has stored some tracks, and the next `python -m echo scan` leaves a consistent library with no
duplicates, on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import mutagen
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import REDIS_URL
from tests.e2e.processes import ProcessLogs, postgres_database, site_env
from tests.fixtures.audio import encode_clip

ARTISTS, ALBUMS, TRACKS = 80, 5, 12
FILES = ARTISTS * ALBUMS * TRACKS
GUESTS = 4
GENRES = ("Rock", "Pop", "Jazz")
FORMATS = ("mp3", "flac", "ogg")


def artist_mbid(artist: int) -> str | None:
    """Every other artist is tagged with a MusicBrainz id."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"echo-e2e/artist/{artist}")) if artist % 2 else None


def _tag(path: Path, artist: int, album: int, track: int) -> None:
    audio = mutagen.File(path, easy=True)
    if audio.tags is None:
        audio.add_tags()
    name = f"Artist {artist:03d}"
    featured = track % 3 == 0
    audio["title"] = f"Song {artist}-{album}-{track}"
    audio["artist"] = f"{name} feat. Guest {track % GUESTS}" if featured else name
    audio["albumartist"] = name
    audio["album"] = f"Album {album}"
    audio["tracknumber"] = str(track)
    audio["date"] = str(1990 + album)
    audio["genre"] = GENRES[artist % len(GENRES)]
    mbid = artist_mbid(artist)
    if mbid:
        audio["musicbrainz_albumartistid"] = mbid
        if not featured:  # ids belong to names by position: one name, one id
            audio["musicbrainz_artistid"] = mbid
    audio.save()


@pytest.fixture(scope="module")
def big_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few thousand files: three clips copied and tagged as 80 artists × 5 albums × 12."""
    root = tmp_path_factory.mktemp("big") / "music"
    scratch = root.parent / "clips"
    clips = {fmt: encode_clip(scratch / f"clip.{fmt}", fmt).read_bytes() for fmt in FORMATS}
    shutil.rmtree(scratch)
    number = 0
    for artist in range(ARTISTS):
        for album in range(ALBUMS):
            folder = root / f"Artist {artist:03d}" / f"Album {album}"
            folder.mkdir(parents=True)
            for track in range(1, TRACKS + 1):
                fmt = FORMATS[number % len(FORMATS)]
                path = folder / f"{track:02d} Song.{fmt}"
                path.write_bytes(clips[fmt])
                _tag(path, artist, album, track)
                number += 1
    return root


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    async def run() -> list[tuple[Any, ...]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(text(sql))]
        finally:
            await engine.dispose()

    return asyncio.run(run())


def stored_tracks(url: str) -> int:
    """Tracks committed so far; 0 while the schema is still being created."""
    try:
        return int(query(url, "SELECT count(*) FROM tracks")[0][0])
    except Exception:  # no table yet, or the database is busy migrating
        return 0


def scan_command(root: Path, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "echo", "scan"],
            env=env,
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the pool dies with it
        )


def kill_half_way(root: Path, env: dict[str, str], url: str, logs: ProcessLogs) -> int:
    """Starts a scan and SIGKILLs it and its pool once tracks are stored; returns how many."""
    first = scan_command(root, env, logs.path("killed-scan"))
    try:
        deadline = time.monotonic() + 120
        while stored_tracks(url) == 0:
            assert first.poll() is None, f"the scan ended ({first.returncode}) before storing"
            if time.monotonic() > deadline:
                pytest.fail("no track stored within 120 s")
            time.sleep(0.02)
        os.killpg(first.pid, signal.SIGKILL)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    return stored_tracks(url)


def assert_consistent_library(url: str, library: Path) -> None:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return query(url, sql)

    paths = {row[0] for row in rows("SELECT path FROM tracks")}
    assert paths == {str(path) for path in library.rglob("*") if path.is_file()}
    assert rows("SELECT path FROM tracks GROUP BY path HAVING count(*) > 1") == []
    assert rows("SELECT pid FROM albums GROUP BY pid HAVING count(*) > 1") == []
    assert (
        rows(
            "SELECT order_artist_name, mbz_artist_id FROM artists"
            " GROUP BY order_artist_name, mbz_artist_id HAVING count(*) > 1"
        )
        == []
    )
    assert rows("SELECT count(*) FROM tracks WHERE missing_at IS NOT NULL") == [(0,)]

    albums = rows("SELECT song_count, disc_count, count(*) FROM albums GROUP BY 1, 2")
    assert albums == [(TRACKS, 1, ARTISTS * ALBUMS)]
    artists = {
        name: (song_count, album_count, mbid)
        for name, song_count, album_count, mbid in rows(
            "SELECT name, song_count, album_count, mbz_artist_id FROM artists"
        )
    }
    expected = {
        f"Artist {a:03d}": (ALBUMS * TRACKS, ALBUMS, artist_mbid(a)) for a in range(ARTISTS)
    }
    expected |= {f"Guest {g}": (ARTISTS * ALBUMS, 0, None) for g in range(GUESTS)}
    assert artists == expected
    links = rows("SELECT role, count(*) FROM track_artists GROUP BY role ORDER BY role")
    featured_per_album = TRACKS // 3
    assert links == [
        ("albumartist", FILES),
        ("artist", FILES + ARTISTS * ALBUMS * featured_per_album),
    ]
    genres = dict(rows("SELECT name, song_count FROM genres"))
    assert genres == {
        genre: sum(ALBUMS * TRACKS for a in range(ARTISTS) if a % len(GENRES) == index)
        for index, genre in enumerate(GENRES)
    }
    scans = rows("SELECT status, active, error_message FROM library_scans ORDER BY started_at")
    assert [(status, active) for status, active, _ in scans] == [
        ("failed", None),
        ("completed", None),
    ]
    assert "Interrupted" in scans[0][2]


def kill_and_rescan(
    root: Path, library: Path, url: str, logs: ProcessLogs, **env: str | Path
) -> None:
    environment = site_env(root, ECHO_LIBRARY=library, ECHO_SCAN_WORKERS="2", **env)

    stored = kill_half_way(root, environment, url, logs)

    assert 0 < stored < FILES
    assert query(url, "SELECT status, active FROM library_scans") == [("running", True)]
    second = scan_command(root, environment, logs.path("second-scan"))
    assert second.wait(timeout=300) == 0
    assert_consistent_library(url, library)


def test_a_scan_killed_half_way_is_repaired_by_the_next_scan_on_sqlite(
    tmp_path: Path, big_library: Path, logs: ProcessLogs
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'echo.db'}"
    kill_and_rescan(tmp_path, big_library, url, logs)


def test_a_scan_killed_half_way_is_repaired_by_the_next_scan_on_postgres(
    tmp_path: Path, big_library: Path, logs: ProcessLogs
) -> None:
    with postgres_database() as (_, url):
        kill_and_rescan(
            tmp_path,
            big_library,
            url,
            logs,
            ECHO_DATABASE_URL=url,
            ECHO_REDIS_URL=REDIS_URL,
            ECHO_REDIS_PREFIX=f"echo-e2e:{uuid.uuid4().hex[:10]}:",
        )
