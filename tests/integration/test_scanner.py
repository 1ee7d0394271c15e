"""The scanner on the fixture library, on SQLite and on PostgreSQL + Redis: what a full scan
stores, what a rescan reads again, missing files under each purge policy, moved files keeping
their ids, one scan at a time, and the file watcher."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.sql import Executable

from echo.app import create_app
from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import Conflict
from echo.features.albums.models import Album
from echo.features.artists.models import Artist
from echo.features.genres.models import Genre, track_genres
from echo.features.scanner import service
from echo.features.scanner.covers import VARIANT_SIZES, cover_path
from echo.features.scanner.models import LibraryScan, ScanError
from echo.features.scanner.pipeline import ScanProgress
from echo.features.scanner.service import ORPHAN_AFTER
from echo.features.scanner.watcher import run_watcher
from echo.features.tracks.models import Track, TrackArtist
from tests.conftest import _empty_storage, _require_redis, make_settings
from tests.fixtures.audio import encode_clip, tag_file
from tests.fixtures.library import build_library, mbid
from tests.fixtures.manifest import UNKNOWN_ARTIST, ExpectedFile, LibraryManifest

# Every file of the fixture library that is audio: read once, stored as one track.
GOOD_FILES = 30
BAD_FILES = 3


@pytest.fixture
def library(library_dir: Path) -> LibraryManifest:
    return build_library(library_dir)


async def scan(services: Services, paths: list[str] | None = None) -> ScanProgress:
    started = await service.start_scan(services)
    return await service.run(services, started.id, paths)


async def fetch(services: Services, query: Executable) -> list[Any]:
    async with services.sessions() as session:
        return list((await session.execute(query)).all())


async def tracks_by_path(services: Services) -> dict[str, Track]:
    rows = await fetch(services, select(Track))
    return {row.Track.path: row.Track for row in rows}


async def album_named(services: Services, name: str) -> Album | None:
    rows = await fetch(services, select(Album).where(Album.name == name))
    assert len(rows) <= 1, f"{len(rows)} albums named {name!r}"
    return rows[0].Album if rows else None


async def artist_named(services: Services, name: str) -> Artist | None:
    rows = await fetch(services, select(Artist).where(Artist.name == name))
    assert len(rows) <= 1, f"{len(rows)} artists named {name!r}"
    return rows[0].Artist if rows else None


async def updated_at(services: Services) -> dict[str, dict[uuid.UUID, datetime]]:
    """When each track, album and artist row last changed."""
    return {
        model.__tablename__: {
            row.id: row.updated_at
            for row in await fetch(services, select(model.id, model.updated_at))
        }
        for model in (Track, Album, Artist)
    }


def move(source: Path, target: Path) -> None:
    """A rename, as a file manager does it: size, mtime and content unchanged."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(source, target)


def touch_later(path: Path) -> None:
    """A new mtime that differs even on file systems with coarse timestamps."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def expected_columns(expected: ExpectedFile) -> dict[str, Any]:
    """The track row the manifest asks for, column by column."""
    tags = expected.tags
    columns: dict[str, Any] = {
        "title": expected.title,
        "artist_name": expected.artist,
        "album_name": expected.album,
        "album_artist_name": expected.album_artist,
        "suffix": tags["suffix"],
        "compilation": tags["compilation"],
        "has_cover_art": tags["has_embedded_picture"],
        "sample_rate": tags["sample_rate"],
        "channels": tags["channels"],
        "bit_depth": tags["bit_depth"],
        "disc_number": tags.get("disc_number") or 1,
    }
    for name in (
        "track_number", "track_total", "disc_total", "disc_subtitle", "date", "original_date",
        "year", "comment", "lyrics", "mbz_track_id", "mbz_release_track_id", "mbz_album_id",
        "rg_track_gain", "rg_track_peak", "rg_album_gain", "rg_album_peak", "bpm",
        "initial_key", "sort_title", "catalog_num",
    ):  # fmt: skip
        if name in tags:
            columns[name] = tags[name]
    if "mbz_artist_ids" in tags:
        columns["mbz_artist_id"] = tags["mbz_artist_ids"][0]
    if "mbz_album_artist_ids" in tags:
        columns["mbz_album_artist_id"] = tags["mbz_album_artist_ids"][0]
    if "synced_lyrics" in tags:
        lines = [{"timeMs": line.time_ms, "text": line.text} for line in tags["synced_lyrics"]]
        columns["synced_lyrics"] = lines or None
    return columns


async def credits(services: Services) -> dict[uuid.UUID, dict[str, list[str]]]:
    """track id -> role -> artist names in credit order."""
    rows = await fetch(
        services,
        select(TrackArtist.track_id, TrackArtist.role, Artist.name)
        .join(Artist, Artist.id == TrackArtist.artist_id)
        .order_by(TrackArtist.track_id, TrackArtist.role, TrackArtist.position),
    )
    result: dict[uuid.UUID, dict[str, list[str]]] = {}
    for track_id, role, name in rows:
        result.setdefault(track_id, {}).setdefault(role, []).append(name)
    return result


async def genres_of_tracks(services: Services) -> dict[uuid.UUID, set[str]]:
    rows = await fetch(
        services,
        select(track_genres.c.track_id, Genre.name).join(
            Genre, Genre.id == track_genres.c.genre_id
        ),
    )
    result: dict[uuid.UUID, set[str]] = {}
    for track_id, name in rows:
        result.setdefault(track_id, set()).add(name)
    return result


# --- Full scan -----------------------------------------------------------------------------


async def test_a_full_scan_stores_every_file_with_the_tags_of_the_manifest(
    services: Services, library: LibraryManifest
) -> None:
    progress = await scan(services)

    assert progress.status == "completed"
    assert (progress.files_total, progress.files_done) == (GOOD_FILES + BAD_FILES,) * 2
    assert progress.tracks_added == GOOD_FILES
    tracks = await tracks_by_path(services)
    assert set(tracks) == {str(f.path) for f in library.files}
    mismatches = []
    for expected in library.files:
        track = tracks[str(expected.path)]
        for column, value in expected_columns(expected).items():
            if getattr(track, column) != value:
                mismatches.append(f"{expected.path.name}: {column}={getattr(track, column)!r}")
        if track.duration != pytest.approx(expected.tags["duration"], abs=0.1):
            mismatches.append(f"{expected.path.name}: duration={track.duration}")
        if track.size != expected.path.stat().st_size or not track.bit_rate:
            mismatches.append(f"{expected.path.name}: size={track.size} bit_rate={track.bit_rate}")
    assert mismatches == []


async def test_tracks_credit_every_artist_of_multi_valued_tags_in_order(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    tracks = await tracks_by_path(services)
    credited = await credits(services)
    for expected in library.files:
        roles = credited[tracks[str(expected.path)].id]
        assert roles["artist"] == (expected.tags.get("artists") or [UNKNOWN_ARTIST]), expected.path
        assert roles["albumartist"] == [expected.album_artist], expected.path
    # ARTISTS tag, repeated Vorbis fields, an ID3v2.4 list with " feat. ", " / " and "AC/DC".
    by_name = {f.path.name: credited[tracks[str(f.path)].id]["artist"] for f in library.files}
    assert by_name["01 Together.flac"] == ["Alpha", "Beta"]
    assert by_name["02 Repeated.ogg"] == ["Alpha", "Gamma"]
    assert by_name["03 Featuring.mp3"] == ["Alpha", "Delta", "Epsilon"]
    assert by_name["04 Thunder.m4a"] == ["AC/DC", "Alpha"]
    assert by_name["05 Echoes.wma"] == ["Alpha", "Gamma"]
    # One row per artist however often and however spelt it was credited.
    names = [row.name for row in await fetch(services, select(Artist.name))]
    expected_names: set[str] = set()
    for expected in library.files:
        expected_names |= set(expected.tags.get("artists") or [UNKNOWN_ARTIST])
        expected_names.add(expected.album_artist)
    assert sorted(names) == sorted(expected_names)
    assert "AC" not in names and "DC" not in names


async def test_artists_carry_their_musicbrainz_ids_even_when_first_seen_without_one(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    ids = {
        row.name: row.mbz_artist_id
        for row in await fetch(services, select(Artist.name, Artist.mbz_artist_id))
    }
    assert ids["Echo Ensemble"] == mbid("artist/echo-ensemble")
    assert ids["Guest Star"] == mbid("artist/guest-star")
    # Alpha is the album artist of tracks without ids; one track gives its id.
    assert ids["Alpha"] == mbid("artist/alpha")
    assert ids["Beta"] == mbid("artist/beta")
    assert ids["Gamma"] is None


async def test_albums_group_tracks_as_the_manifest_says(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    albums = [row.Album for row in await fetch(services, select(Album))]
    assert sorted((a.name, a.artist_name) for a in albums) == sorted(
        (a.name, a.artist) for a in library.albums
    )
    tracks = await tracks_by_path(services)
    for expected in library.albums:
        album = await album_named(services, expected.name)
        assert album is not None
        assert (album.song_count, album.disc_count) == (expected.tracks, expected.discs)
        assert album.compilation is expected.compilation
        assert album.mbz_album_id == expected.mbz_album_id
        members = [f for f in library.files if f.album == expected.name]
        assert {tracks[str(f.path)].album_id for f in members} == {album.id}
    every_format = await album_named(services, "Every Format")
    assert every_format is not None
    assert every_format.mbz_release_group_id == mbid("release-group/every-format")
    assert (every_format.year, every_format.release_date) == (2021, "2021-06-01")
    assert every_format.original_date == "1999-02-03"
    assert every_format.sort_album_name == "Format, Every"
    assert every_format.catalog_num == "ECHO-001"


async def test_the_compilation_without_album_artist_is_one_album_by_various_artists(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    album = await album_named(services, "Summer Hits")
    various = await artist_named(services, "Various Artists")
    assert album is not None and various is not None
    assert album.album_artist_id == various.id
    assert album.compilation is True
    tracks = [t for t in (await tracks_by_path(services)).values() if t.album_id == album.id]
    assert sorted(t.artist_name for t in tracks) == ["Alpha", "Sigur Rós", "東京事変"]
    assert {t.album_artist_id for t in tracks} == {various.id}
    # Each track is still credited to its own artist, who keeps one row.
    sigur = await artist_named(services, "Sigur Rós")
    assert sigur is not None
    assert sigur.id in {t.artist_id for t in tracks}


async def test_the_two_disc_album_in_cd1_and_cd2_folders_is_one_album_with_two_discs(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    album = await album_named(services, "Морская")
    assert album is not None
    assert (album.song_count, album.disc_count) == (3, 2)
    tracks = [t for t in (await tracks_by_path(services)).values() if t.album_id == album.id]
    assert sorted((t.disc_number, t.track_number, t.title) for t in tracks) == [
        (1, 1, "Девочка"),
        (1, 2, "Утекай"),
        (2, 1, "Владивосток 2000"),
    ]
    assert {Path(t.path).parent.name for t in tracks} == {"CD1", "CD2"}


async def test_folder_covers_win_over_embedded_pictures_and_get_resized_variants(
    services: Services, library: LibraryManifest
) -> None:
    progress = await scan(services)

    covers_dir = services.settings.data_dir / "covers"
    with_cover = [a for a in library.albums if a.cover is not None]
    assert progress.covers_extracted == len(with_cover)
    for expected in library.albums:
        album = await album_named(services, expected.name)
        assert album is not None
        assert album.cover_source == expected.cover, expected.name
        if expected.cover_image is None:
            assert album.cover_hash is None, expected.name
            continue
        assert album.cover_hash is not None
        with Image.open(io.BytesIO(expected.cover_image)) as image:
            fmt = "png" if image.format == "PNG" else "jpg"
            largest = max(image.size)
        # The original is kept byte for byte: the folder image, not the embedded picture.
        original = cover_path(covers_dir, album.cover_hash, fmt=fmt)
        assert original.read_bytes() == expected.cover_image, expected.name
        for size in VARIANT_SIZES:
            for variant_format, pil_format in (("webp", "WEBP"), ("jpg", "JPEG")):
                variant = cover_path(covers_dir, album.cover_hash, size, variant_format)
                with Image.open(variant) as image:
                    assert image.format == pil_format
                    assert max(image.size) == min(size, largest), variant


async def test_unreadable_files_are_recorded_with_their_error_and_the_scan_goes_on(
    services: Services, library: LibraryManifest
) -> None:
    progress = await scan(services)

    assert progress.status == "completed"
    assert progress.errors == BAD_FILES
    assert {path for path, _ in progress.error_samples} == {str(p) for p in library.bad_files}
    rows = await fetch(services, select(ScanError))
    errors = {row.ScanError.path: row.ScanError for row in rows}
    assert set(errors) == {str(path) for path in library.bad_files}
    for path, row in errors.items():
        assert row.error.strip(), path
        assert (row.size, row.mtime_ns) == (os.stat(path).st_size, os.stat(path).st_mtime_ns)
    assert errors[str(library.root / "Broken/Empty.mp3")].error == "the file is empty"
    (scan_row,) = [row.LibraryScan for row in await fetch(services, select(LibraryScan))]
    assert (scan_row.status, scan_row.errors) == ("completed", BAD_FILES)
    assert scan_row.files_scanned == GOOD_FILES + BAD_FILES
    tracks = await tracks_by_path(services)
    assert len(tracks) == GOOD_FILES
    assert not set(tracks) & {str(path) for path in library.bad_files}


async def test_the_symlink_loop_is_walked_once_and_hidden_files_are_never_read(
    services: Services, library: LibraryManifest
) -> None:
    assert library.loop_link is not None and library.loop_link.is_symlink()
    progress = await asyncio.wait_for(scan(services), timeout=120)

    tracks = await tracks_by_path(services)
    loop_tracks = [t for t in tracks.values() if t.title == "Loop Track"]
    assert [t.path for t in loop_tracks] == [str(library.root / "Loop/Loop Track.ogg")]
    assert not [path for path in tracks if "/inner/" in path]
    assert not [path for path in tracks if "/." in path]
    errors = {row.path for row in await fetch(services, select(ScanError.path))}
    assert not {str(path) for path in library.ignored} & (errors | set(tracks))
    assert progress.files_total == GOOD_FILES + BAD_FILES


async def test_unicode_and_very_long_names_are_stored_exactly(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    tracks = await tracks_by_path(services)
    assert library.long_name is not None
    assert len(library.long_name.name.encode()) > 180
    long_track = tracks[str(library.long_name)]
    assert long_track.title == library.long_name.stem
    assert (long_track.album_name, long_track.artist_name) == ("Unknown Album", UNKNOWN_ARTIST)
    japanese = tracks[str(library.root / "東京事変/教育/01 群青日和.m4a")]
    assert (japanese.title, japanese.artist_name, japanese.album_name) == (
        "群青日和",
        "東京事変",
        "教育",
    )
    artist = await artist_named(services, "Sigur Rós")
    assert artist is not None
    assert artist.order_artist_name == "sigur ros"


async def test_album_artist_and_genre_figures_add_up_over_their_tracks(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)

    tracks = await tracks_by_path(services)
    for expected in library.albums:
        album = await album_named(services, expected.name)
        assert album is not None
        members = [tracks[str(f.path)] for f in library.files if f.album == expected.name]
        assert album.size == sum(f.path.stat().st_size for f in library.files
                                 if f.album == expected.name)  # fmt: skip
        assert album.duration == pytest.approx(sum(t.duration for t in members))
        assert album.duration == pytest.approx(expected.tracks, abs=0.1 * expected.tracks)

    artists = {row.Artist.name: row.Artist for row in await fetch(services, select(Artist))}
    for name, artist in artists.items():
        credited_files = [
            f
            for f in library.files
            if name in (f.tags.get("artists") or [UNKNOWN_ARTIST]) or f.album_artist == name
        ]
        albums = [a for a in library.albums if a.artist == name]
        assert (artist.song_count, artist.album_count) == (len(credited_files), len(albums)), name
    assert (artists["Alpha"].song_count, artists["Alpha"].album_count) == (7, 1)
    assert (artists["Guest Star"].song_count, artists["Guest Star"].album_count) == (12, 0)

    genres = {row.Genre.name: row.Genre for row in await fetch(services, select(Genre))}
    expected_genres: dict[str, list[ExpectedFile]] = {}
    for f in library.files:
        for genre in f.tags.get("genres", []):
            expected_genres.setdefault(genre, []).append(f)
    assert set(genres) == set(expected_genres)
    for name, files in expected_genres.items():
        genre = genres[name]
        assert genre.song_count == len(files), name
        assert genre.album_count == len({f.album for f in files}), name
        assert genre.artist_count == len({f.album_artist for f in files}), name
    assert (genres["Rock"].song_count, genres["Rock"].album_count) == (9, 3)
    by_track = await genres_of_tracks(services)
    for f in library.files:
        assert by_track.get(tracks[str(f.path)].id, set()) == set(f.tags.get("genres", [])), f.path


# --- Incremental scans ---------------------------------------------------------------------


async def test_a_rescan_without_changes_reads_no_file_and_changes_no_row(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    before = await updated_at(services)
    errors_before = await fetch(services, select(ScanError.path, ScanError.seen_at))

    again = await scan(services)

    assert (again.files_total, again.files_done) == (0, 0)
    assert (again.tracks_added, again.tracks_updated, again.tracks_moved) == (0, 0, 0)
    assert again.tracks_unchanged == GOOD_FILES
    assert again.errors == BAD_FILES  # still unreadable, counted without being read
    assert await updated_at(services) == before
    assert sorted(await fetch(services, select(ScanError.path, ScanError.seen_at))) == sorted(
        errors_before
    )


async def test_a_changed_file_is_the_only_one_read_again(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    target = library.file("02 Repeated.ogg").path
    tracks = await tracks_by_path(services)
    before = await updated_at(services)
    tag_file(target, title="Repeated (Live)", genres=["Jazz"])
    touch_later(target)

    again = await scan(services)

    assert (again.files_total, again.files_done) == (1, 1)
    assert (again.tracks_updated, again.tracks_added) == (1, 0)
    after = await tracks_by_path(services)
    changed = after[str(target)]
    assert changed.id == tracks[str(target)].id
    assert changed.title == "Repeated (Live)"
    assert changed.mtime_ns == target.stat().st_mtime_ns
    assert (await credits(services))[changed.id]["artist"] == ["Alpha", "Gamma"]
    assert (await genres_of_tracks(services))[changed.id] == {"Jazz"}
    # Only the rows that changed: the track, and its album and album artist only if the new
    # tags changed the file's size (Vorbis padding often absorbs them).
    now = await updated_at(services)
    touched = {
        table: {i for i, at in rows.items() if at != before[table][i]}
        for table, rows in now.items()
    }
    album = await album_named(services, "Collaborations")
    alpha = await artist_named(services, "Alpha")
    assert album is not None and alpha is not None
    resized = changed.size != tracks[str(target)].size
    assert touched == {
        "tracks": {changed.id},
        "albums": {album.id} if resized else set(),
        "artists": {alpha.id} if resized else set(),
    }


async def test_track_search_follows_retitled_touched_and_missing_files(
    services: Services, library: LibraryManifest
) -> None:
    """Search by a part of the title that starts no word (on SQLite: the trigram index the
    tracks triggers keep) after each kind of rescan."""

    async def found(part: str) -> list[uuid.UUID]:
        async with services.sessions() as session:
            page = await services.library.tracks.source.search(session, part, 0, 50)
        assert page.total == len(page.items)
        return [track.id for track in page.items]

    await scan(services)
    ids = {path: track.id for path, track in (await tracks_by_path(services)).items()}
    retitled = library.file("02 Repeated.ogg").path
    touched = library.file("Old Song.mp3").path
    assert ids[str(retitled)] in await found("peated")
    assert await found("ld son") == [ids[str(touched)]]

    tag_file(retitled, title="Encore Une Fois")
    touch_later(retitled)
    touch_later(touched)  # read again, the same title
    await scan(services)
    assert ids[str(retitled)] not in await found("peated")
    assert await found("core une") == [ids[str(retitled)]]
    assert await found("ld son") == [ids[str(touched)]]

    touched.unlink()
    await scan(services)  # missing, kept (purge policy "never")
    assert await found("ld son") == []


async def test_an_added_file_adds_one_track_to_its_album(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    album_before = await album_named(services, "Collaborations")
    new = encode_clip(library.root / "Alpha/Collaborations/07 Encore.flac", "flac")
    tag_file(new, title="Encore", artist="Alpha", album_artist="Alpha", album="Collaborations",
             date="2019", track_number=7, genres=["Rock"])  # fmt: skip

    again = await scan(services)

    assert (again.files_done, again.tracks_added, again.tracks_updated) == (1, 1, 0)
    tracks = await tracks_by_path(services)
    assert len(tracks) == GOOD_FILES + 1
    album = await album_named(services, "Collaborations")
    assert album is not None and album_before is not None
    assert tracks[str(new)].album_id == album.id == album_before.id
    assert album.song_count == 7
    alpha = await artist_named(services, "Alpha")
    assert alpha is not None and alpha.song_count == 8


async def test_a_scan_of_a_folder_and_a_file_inside_it_reads_the_file_once(
    services: Services, library: LibraryManifest
) -> None:
    # What the watcher asks for when a file moves into a new folder: both paths.
    await scan(services)
    folder = library.root / "New Arrivals"
    new = encode_clip(folder / "Fresh.mp3", "mp3")
    tag_file(new, title="Fresh", artist="Newcomer", album="Debut")

    progress = await scan(services, [str(folder), str(new)])

    assert (progress.status, progress.files_done, progress.tracks_added) == ("completed", 1, 1)
    assert (await tracks_by_path(services))[str(new)].title == "Fresh"


async def test_an_unreadable_file_is_read_again_only_once_it_changes(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    empty = library.root / "Broken/Empty.mp3"
    not_audio = library.root / "Broken/Not Audio.mp3"

    unchanged = await scan(services)
    assert (unchanged.files_done, unchanged.errors) == (0, BAD_FILES)

    encode_clip(empty, "mp3")
    tag_file(empty, title="Not Empty Any More", artist="Fixer", album="Repairs")
    not_audio.unlink()
    repaired = await scan(services)

    assert (repaired.files_done, repaired.tracks_added, repaired.errors) == (1, 1, 1)
    assert (await tracks_by_path(services))[str(empty)].title == "Not Empty Any More"
    errors = {row.path for row in await fetch(services, select(ScanError.path))}
    assert errors == {str(library.root / "Broken/Truncated.flac")}


async def test_a_scan_cancelled_after_storing_files_is_completed_by_the_next_scan(
    services: Services, library: LibraryManifest
) -> None:
    first = await service.start_scan(services)
    # Obeyed after the first batch, which holds the whole library: its files are stored, but
    # the figures and covers that come after every batch are not.
    await service.request_action(services, first.id, "cancel")
    cancelled = await service.run(services, first.id)
    assert cancelled.status == "cancelled"
    assert len(await tracks_by_path(services)) == GOOD_FILES

    progress = await scan(services)

    assert progress.files_done == 0
    for expected in library.albums:
        album = await album_named(services, expected.name)
        assert album is not None
        assert (album.song_count, album.disc_count) == (expected.tracks, expected.discs)
        assert album.cover_source == expected.cover
    alpha = await artist_named(services, "Alpha")
    assert alpha is not None and (alpha.song_count, alpha.album_count) == (7, 1)
    rock = (await fetch(services, select(Genre).where(Genre.name == "Rock")))[0].Genre
    assert rock.song_count == 9


# --- Missing files and purge policies ------------------------------------------------------


async def test_under_the_never_policy_a_deleted_file_is_flagged_missing_and_kept(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    old_song = library.file("Old Song.mp3").path
    track_id = (await tracks_by_path(services))[str(old_song)].id
    old_song.unlink()

    started = utcnow()
    progress = await scan(services)

    assert (progress.tracks_missing, progress.tracks_deleted) == (1, 0)
    track = (await tracks_by_path(services))[str(old_song)]
    assert track.id == track_id
    assert track.missing_at is not None and track.missing_at >= started - timedelta(seconds=1)
    album = await album_named(services, "Old Album")
    artist = await artist_named(services, "Old Timer")
    assert album is not None and artist is not None
    assert album.song_count == 0  # missing tracks do not count, but keep their album
    listed = await service.missing_files(services)
    assert [(t.id, t.path) for t in listed.tracks] == [(track_id, str(old_song))]
    assert listed.purge_mode == "never"
    assert (await service.purge_missing(services)).deleted == 0

    again = await scan(services)
    assert again.tracks_missing == 0
    assert (await tracks_by_path(services))[str(old_song)].missing_at == track.missing_at


async def test_under_the_always_policy_a_deleted_file_goes_with_its_emptied_album_and_artist(
    services: Services, library: LibraryManifest
) -> None:
    await service.set_purge_policy(services, "always")
    await scan(services)
    library.file("Old Song.mp3").path.unlink()
    library.file("06 Legacy.mp3").path.unlink()

    progress = await scan(services)

    assert (progress.tracks_deleted, progress.tracks_missing) == (2, 0)
    tracks = await tracks_by_path(services)
    assert len(tracks) == GOOD_FILES - 2
    assert await album_named(services, "Old Album") is None
    assert await artist_named(services, "Old Timer") is None
    collaborations = await album_named(services, "Collaborations")
    assert collaborations is not None and collaborations.song_count == 5
    genres = {row.name for row in await fetch(services, select(Genre.name))}
    assert "Techno" not in genres  # only 06 Legacy had it
    assert await artist_named(services, "Alpha") is not None


async def test_under_after_days_a_missing_track_is_deleted_once_missing_longer_than_n_days(
    services: Services, library: LibraryManifest
) -> None:
    await service.set_purge_policy(services, "after_days:30")
    await scan(services)
    old_song = library.file("Old Song.mp3").path
    loop_track = library.file("Loop Track.ogg").path
    old_song.unlink()
    loop_track.unlink()

    first = await scan(services)
    assert (first.tracks_missing, first.tracks_deleted) == (2, 0)
    tracks = await tracks_by_path(services)
    now = utcnow()
    async with services.sessions() as session:
        for path, days in ((old_song, 31), (loop_track, 29)):
            await session.execute(
                update(Track)
                .where(Track.id == tracks[str(path)].id)
                .values(missing_at=now - timedelta(days=days))
            )
        await session.commit()

    second = await scan(services)

    assert second.tracks_deleted == 1
    tracks = await tracks_by_path(services)
    assert str(old_song) not in tracks
    assert tracks[str(loop_track)].missing_at is not None
    assert await album_named(services, "Old Album") is None
    assert await album_named(services, "Loop") is not None


async def test_a_file_that_reappears_is_no_longer_missing_and_keeps_its_id(
    services: Services, library: LibraryManifest, tmp_path: Path
) -> None:
    await scan(services)
    old_song = library.file("Old Song.mp3").path
    track_id = (await tracks_by_path(services))[str(old_song)].id
    parked = tmp_path / "outside" / old_song.name
    move(old_song, parked)
    assert (await scan(services)).tracks_missing == 1

    move(parked, old_song)
    back = await scan(services)

    assert (back.files_done, back.tracks_added, back.tracks_missing) == (0, 0, 0)
    track = (await tracks_by_path(services))[str(old_song)]
    assert (track.id, track.missing_at) == (track_id, None)
    album = await album_named(services, "Old Album")
    assert album is not None and album.song_count == 1
    assert (await service.missing_files(services)).count == 0


# --- Moved files keep their ids ------------------------------------------------------------


async def test_a_file_moved_elsewhere_and_retagged_keeps_its_id_by_musicbrainz_track_id(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    source = library.of_format("mp3").path
    track_id = (await tracks_by_path(services))[str(source)].id
    target = library.root / "Elsewhere/Renamed.mp3"
    move(source, target)
    # A new title and size: only the MusicBrainz track id can tell it is the same track.
    tag_file(target, title="MP3 Song (Remastered)")

    progress = await scan(services)

    assert (progress.tracks_moved, progress.tracks_added, progress.tracks_missing) == (1, 0, 0)
    tracks = await tracks_by_path(services)
    assert str(source) not in tracks
    moved = tracks[str(target)]
    assert (moved.id, moved.title) == (track_id, "MP3 Song (Remastered)")
    assert moved.mbz_track_id == mbid("recording/mp3")
    album = await album_named(services, "Every Format")
    assert album is not None and (moved.album_id, album.song_count) == (album.id, 12)
    assert (await credits(services))[track_id]["artist"] == ["Echo Ensemble", "Guest Star"]


async def test_a_file_without_musicbrainz_id_moved_to_another_folder_keeps_its_id(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    source = library.file("02 Repeated.ogg").path
    before = (await tracks_by_path(services))[str(source)]
    assert before.mbz_track_id is None
    target = library.root / "Alpha/Sorted Later/Repeated.ogg"
    move(source, target)

    progress = await scan(services)

    assert (progress.tracks_moved, progress.tracks_added, progress.tracks_missing) == (1, 0, 0)
    tracks = await tracks_by_path(services)
    assert str(source) not in tracks
    assert (tracks[str(target)].id, tracks[str(target)].album_id) == (before.id, before.album_id)
    assert len(tracks) == GOOD_FILES


async def test_moving_a_whole_album_folder_keeps_every_track_and_album_id(
    services: Services, library: LibraryManifest
) -> None:
    await scan(services)
    folder = library.root / "Мумий Тролль/Морская"
    before = {
        path[len(str(folder)) :]: track
        for path, track in (await tracks_by_path(services)).items()
        if path.startswith(str(folder) + os.sep)
    }
    assert len(before) == 3
    renamed = library.root / "Мумий Тролль/Морская (1997)"
    move(folder, renamed)

    progress = await scan(services)

    assert (progress.tracks_moved, progress.tracks_added, progress.tracks_missing) == (3, 0, 0)
    after = await tracks_by_path(services)
    for relative, track in before.items():
        moved = after[str(renamed) + relative]
        assert (moved.id, moved.album_id, moved.missing_at) == (track.id, track.album_id, None)
    album = await album_named(services, "Морская")
    assert album is not None and (album.song_count, album.disc_count) == (3, 2)
    assert len(after) == GOOD_FILES


# --- One scan at a time --------------------------------------------------------------------


async def test_a_second_start_while_a_scan_is_active_is_refused_with_scan_already_running(
    services: Services, library: LibraryManifest
) -> None:
    first = await service.start_scan(services)
    with pytest.raises(Conflict) as refused:
        await service.start_scan(services)
    assert refused.value.extra == {"code": "SCAN_ALREADY_RUNNING"}

    running = asyncio.create_task(service.run(services, first.id))
    try:
        with pytest.raises(Conflict):
            await service.start_scan(services)
    finally:
        result = await running
    assert result.status == "completed"

    second = await service.start_scan(services)
    assert second.id != first.id


async def test_two_starts_at_the_same_moment_let_exactly_one_scan_through(
    services: Services,
) -> None:
    outcomes = await asyncio.gather(
        *(service.start_scan(services) for _ in range(4)), return_exceptions=True
    )

    started = [o for o in outcomes if isinstance(o, LibraryScan)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(started), len(refused)) == (1, 3), outcomes
    rows = await fetch(services, select(LibraryScan.id).where(LibraryScan.active.is_(True)))
    assert [row.id for row in rows] == [started[0].id]


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def set_owner(services: Services, scan_id: uuid.UUID, owner: str, beat: datetime) -> None:
    async with services.sessions() as session:
        await session.execute(
            update(LibraryScan)
            .where(LibraryScan.id == scan_id)
            .values(status="running", owner=owner, heartbeat_at=beat)
        )
        await session.commit()


async def test_a_scan_left_active_by_a_dead_process_does_not_block_the_next_scan(
    services: Services, library: LibraryManifest
) -> None:
    host = socket.gethostname()
    stale = await service.start_scan(services)
    # Alive and beating: still blocks.
    await set_owner(services, stale.id, f"{host}:{os.getpid()}", utcnow())
    with pytest.raises(Conflict):
        await service.start_scan(services)
    # Its process died a moment ago (heartbeat still fresh): it blocks nothing.
    await set_owner(services, stale.id, f"{host}:{dead_pid()}", utcnow())

    fresh = await service.start_scan(services)
    result = await service.run(services, fresh.id)

    assert result.status == "completed"
    scans = {
        row.LibraryScan.id: row.LibraryScan for row in await fetch(services, select(LibraryScan))
    }
    assert (scans[stale.id].status, scans[stale.id].active) == ("failed", None)
    assert "Interrupted" in (scans[stale.id].error_message or "")
    assert scans[stale.id].finished_at is not None
    assert (scans[fresh.id].status, scans[fresh.id].tracks_added) == ("completed", GOOD_FILES)


async def test_a_scan_on_another_host_blocks_until_its_heartbeat_stops(
    services: Services,
) -> None:
    remote = await service.start_scan(services)
    await set_owner(services, remote.id, "another-host:4242", utcnow() - ORPHAN_AFTER / 2)
    with pytest.raises(Conflict):
        await service.start_scan(services)

    await set_owner(services, remote.id, "another-host:4242", utcnow() - ORPHAN_AFTER * 1.5)
    fresh = await service.start_scan(services)

    rows = await fetch(services, select(LibraryScan.id, LibraryScan.status, LibraryScan.active))
    assert sorted((r.status, r.active, r.id == fresh.id) for r in rows) == [
        ("failed", None, False),
        ("pending", True, True),
    ]


# --- The file watcher ----------------------------------------------------------------------


@pytest.fixture
async def watched(
    backend: str,
    database_urls: dict[str, str],
    tmp_path: Path,
    library_dir: Path,
    library: LibraryManifest,
) -> AsyncIterator[Services]:
    """A running app with the watcher on, over the already built library. Without Redis,
    serve runs the watcher and the jobs; with Redis that is the worker's part, done here."""
    settings = make_settings(backend, database_urls, tmp_path, library_dir, watch_library=True)
    if settings.redis_url:
        await _require_redis()
    application = create_app(settings)
    async with LifespanManager(application):
        services: Services = application.state.services
        try:
            if services.redis is None:
                yield services
            else:
                await services.jobs.start_consumers()
                async with run_watcher(services):
                    yield services
        finally:
            await _empty_storage(services)


async def eventually(
    check: Callable[[], Awaitable[bool]],
    what: str,
    within: float = 30.0,
    nudge: Callable[[], None] | None = None,
) -> None:
    """Polls until `check` holds; `nudge` (every 3 s) repeats a change the watcher may have
    missed while it was still starting."""
    deadline = time.monotonic() + within
    next_nudge = time.monotonic() + 3
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {within} s: {what}")
        if nudge is not None and time.monotonic() > next_nudge:
            nudge()
            next_nudge = time.monotonic() + 3
        await asyncio.sleep(0.1)


async def test_the_watcher_picks_up_added_changed_deleted_and_moved_files(
    watched: Services, library: LibraryManifest, tmp_path: Path
) -> None:
    services = watched
    await scan(services)
    before = await tracks_by_path(services)

    # Added: written elsewhere and moved in, as a download or a copy ends.
    added = library.root / "Alpha/Collaborations/07 Encore.flac"
    staged = encode_clip(tmp_path / "staging/07 Encore.flac", "flac")
    tag_file(staged, title="Encore", artist="Alpha", album_artist="Alpha", album="Collaborations",
             date="2019", track_number=7)  # fmt: skip
    move(staged, added)

    async def is_added() -> bool:
        return str(added) in await tracks_by_path(services)

    await eventually(is_added, "the added file becomes a track", nudge=lambda: touch_later(added))
    tracks = await tracks_by_path(services)
    album = await album_named(services, "Collaborations")
    assert album is not None and tracks[str(added)].album_id == album.id

    # Changed.
    changed = library.file("02 Repeated.ogg").path
    tag_file(changed, title="Repeated (Live)")

    async def is_changed() -> bool:
        return (await tracks_by_path(services))[str(changed)].title == "Repeated (Live)"

    await eventually(is_changed, "the new title is stored")
    assert (await tracks_by_path(services))[str(changed)].id == before[str(changed)].id

    # Deleted: flagged missing under the default policy.
    deleted = library.file("Old Song.mp3").path
    deleted.unlink()

    async def is_missing() -> bool:
        return (await tracks_by_path(services))[str(deleted)].missing_at is not None

    await eventually(is_missing, "the deleted file's track is flagged missing")

    # Moved to a new folder: same track, new path.
    source = library.file("04 Thunder.m4a").path
    target = library.root / "AC-DC/Thunder.m4a"
    move(source, target)

    async def is_moved() -> bool:
        paths = await tracks_by_path(services)
        return str(target) in paths and str(source) not in paths

    await eventually(is_moved, "the moved file's track has its new path")
    tracks = await tracks_by_path(services)
    assert tracks[str(target)].id == before[str(source)].id
    assert tracks[str(target)].missing_at is None

    # A whole album folder renamed: every track keeps its id.
    folder = library.root / "Мумий Тролль/Морская"
    renamed = library.root / "Мумий Тролль/Морская (1997)"
    inside = {path: track.id for path, track in before.items() if path.startswith(f"{folder}/")}
    move(folder, renamed)

    async def folder_moved() -> bool:
        paths = await tracks_by_path(services)
        return all(path.replace(str(folder), str(renamed), 1) in paths for path in inside)

    await eventually(folder_moved, "the tracks of the renamed folder have their new paths")
    tracks = await tracks_by_path(services)
    for path, track_id in inside.items():
        assert tracks[path.replace(str(folder), str(renamed), 1)].id == track_id
    assert len(tracks) == GOOD_FILES + 1
    assert [t.path for t in tracks.values() if t.missing_at is not None] == [str(deleted)]
