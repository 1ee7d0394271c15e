"""The library API over the acceptance library scanned for real, on SQLite and on PostgreSQL +
Redis: what the scanner found (several artists with ids, genres, discs, audio properties,
MusicBrainz ids, covers) reaches the payloads, and no absolute path does."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient

from echo.bootstrap import Services
from echo.features.scanner import service as scanner
from tests.api.test_library_api import get, skip_through
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.library import build_library, mbid
from tests.fixtures.manifest import EVERY_FORMAT, EVERY_FORMAT_FOLDER, LibraryManifest


@pytest.fixture
async def reader(services: Services, client: AsyncClient) -> LoggedIn:
    return await create_and_login(services, client, "reader")


@pytest.fixture
async def scanned(services: Services, library_dir: Path) -> LibraryManifest:
    manifest = build_library(library_dir)
    started = await scanner.start_scan(services)
    progress = await scanner.run(services, started.id)
    assert progress.status == "completed"
    return manifest


async def album_named(client: AsyncClient, who: LoggedIn, name: str) -> dict[str, object]:
    found = await get(client, who, f"/api/albums/search/{name}")
    (album,) = [a for a in found["data"] if a["name"] == name]
    return album


async def test_an_album_carries_its_artist_genres_cover_and_musicbrainz_ids(
    client: AsyncClient, reader: LoggedIn, scanned: LibraryManifest
) -> None:
    found = await album_named(client, reader, EVERY_FORMAT)
    album = await get(client, reader, f"/api/albums/{found['id']}")
    assert album == found
    assert album["artist"] == "Echo Ensemble"
    assert album["albumArtist"]["name"] == "Echo Ensemble"
    assert album["songCount"] == 12 and album["year"] == 2021
    assert album["releaseDate"] == "2021-06-01" and album["originalDate"] == "1999-02-03"
    assert album["mbzAlbumId"] == mbid("release/every-format")
    assert album["mbzReleaseGroupId"] == mbid("release-group/every-format")
    assert [g["name"] for g in album["genres"]] == ["Ambient", "Electronic"]
    assert album["coverImage"].startswith(f"/api/images/albums/{album['id']}/cover?v=")
    no_cover = await album_named(client, reader, "Морская")
    assert no_cover["coverImage"] is None and no_cover["discCount"] == 2


async def test_an_albums_tracks_have_every_artist_with_ids_and_paths_inside_the_library(
    client: AsyncClient, reader: LoggedIn, scanned: LibraryManifest
) -> None:
    album = await album_named(client, reader, EVERY_FORMAT)
    tracks = await skip_through(client, reader, f"/api/albums/{album['id']}/tracks", take=5)
    assert [t["trackNumber"] for t in tracks] == list(range(1, 13))
    mp3 = scanned.of_format("mp3")
    (track,) = [t for t in tracks if t["suffix"] == "mp3"]
    assert track["path"] == f"{EVERY_FORMAT_FOLDER}/{mp3.path.name}"
    assert not any(str(scanned.root) in t["path"] for t in tracks)
    assert [a["name"] for a in track["artists"]] == ["Echo Ensemble", "Guest Star"]
    for credit in track["artists"]:
        artist = await get(client, reader, f"/api/artists/{credit['id']}")
        assert artist["name"] == credit["name"]
    assert {g["name"] for g in track["genres"]} == {"Ambient", "Electronic"}
    assert track["discSubtitle"] == "The Formats Disc"
    assert (track["sampleRate"], track["bitDepth"]) == (
        mp3.tags["sample_rate"],
        mp3.tags["bit_depth"],
    )
    assert track["mbzTrackId"] == mbid("recording/mp3")
    assert track["mbzArtistId"] == mbid("artist/echo-ensemble")
    assert track["coverImage"] == album["coverImage"]
    assert track["lyrics"] == "First line of MP3\nSecond line"
    assert track == await get(client, reader, f"/api/tracks/{track['id']}")


async def test_two_discs_play_in_disc_order(
    client: AsyncClient, reader: LoggedIn, scanned: LibraryManifest
) -> None:
    album = await album_named(client, reader, "Морская")
    tracks = (await get(client, reader, f"/api/albums/{album['id']}/tracks"))["data"]
    assert [(t["discNumber"], t["trackNumber"], t["title"]) for t in tracks] == [
        (1, 1, "Девочка"),
        (1, 2, "Утекай"),
        (2, 1, "Владивосток 2000"),
    ]
    assert tracks[2]["path"] == "Мумий Тролль/Морская/CD2/01 Владивосток 2000.ogg"


async def test_search_finds_accented_and_non_latin_names_by_what_people_type(
    client: AsyncClient, reader: LoggedIn, scanned: LibraryManifest
) -> None:
    results = await get(client, reader, "/api/search", q="sigur ros")
    assert [a["name"] for a in results["artists"]["data"]] == ["Sigur Rós"]
    tracks = await get(client, reader, "/api/tracks/search/STARALFUR")
    assert [t["title"] for t in tracks["data"]] == ["Starálfur"]
    albums = await get(client, reader, "/api/albums/search/морская")
    assert [a["name"] for a in albums["data"]] == ["Морская"]
    collaborator = await get(client, reader, "/api/artists/search/guest")
    (guest,) = collaborator["data"]
    appears_on = await get(client, reader, f"/api/artists/{guest['id']}/albums")
    assert [a["name"] for a in appears_on["data"]] == [EVERY_FORMAT]


async def test_scanned_genres_have_counts_and_the_cover_of_their_biggest_album(
    client: AsyncClient, reader: LoggedIn, scanned: LibraryManifest
) -> None:
    genres = await get(client, reader, "/api/genres", take=100)
    by_name = {g["name"]: g for g in genres["data"]}
    electronic = by_name["Electronic"]
    assert electronic["trackCount"] == 13  # 12 of Every Format, 1 of Collaborations
    every_format = await album_named(client, reader, EVERY_FORMAT)
    assert electronic["coverImageUrl"] == every_format["coverImage"]
    albums = await get(client, reader, f"/api/genres/{electronic['id']}/albums", sort="title")
    assert [a["name"] for a in albums["data"]] == ["Collaborations", EVERY_FORMAT]
