"""The library browsing API (spec §2.5–2.8) on SQLite and on PostgreSQL + Redis: fields,
ordering, paging through whole lists, search, play-ranked lists. Volume comes from rows written
straight into the database; realism from the fixture library scanned for real
(test_library_scanned_api.py); artists and genres in test_library_artists_genres_api.py."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import delete, insert, select, update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.text import fold, sort_key
from echo.features.interactions.models import Favorite
from echo.features.play_tracking.models import PlayEvent, UserPlayStats
from echo.features.tracks.models import Track
from tests.builders import LoggedIn, create_and_login, create_user
from tests.fixtures.bulk_library import GENRES, BulkLibrary, insert_library

ARTISTS, ALBUMS_PER_ARTIST, TRACKS_PER_ALBUM = 3, 4, 10


@pytest.fixture
async def reader(services: Services, client: AsyncClient) -> LoggedIn:
    return await create_and_login(services, client, "reader")


@pytest.fixture
async def bulk(services: Services) -> BulkLibrary:
    return await insert_library(
        services.sessions,
        artists=ARTISTS,
        albums_per_artist=ALBUMS_PER_ARTIST,
        tracks_per_album=TRACKS_PER_ALBUM,
        root=str(services.settings.library[0]),
    )


async def get(client: AsyncClient, who: LoggedIn, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def skip_through(
    client: AsyncClient, who: LoggedIn, path: str, take: int, **params: Any
) -> list[dict[str, Any]]:
    """Every item of a skip/take list, page by page, checking the envelope on the way."""
    items: list[dict[str, Any]] = []
    skip, total = 0, None
    while True:
        body = await get(client, who, path, skip=skip, take=take, **params)
        assert (body["skip"], body["take"]) == (skip, take)
        assert total is None or body["total"] == total
        total = body["total"]
        assert len(body["data"]) == min(take, total - skip)
        items += body["data"]
        skip += take
        assert body["hasMore"] == (skip < total)
        if not body["hasMore"]:
            return items


async def page_through(
    client: AsyncClient, who: LoggedIn, path: str, limit: int
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = 1
    while True:
        body = await get(client, who, path, page=page, limit=limit)
        assert (body["page"], body["limit"]) == (page, limit)
        assert body["totalPages"] == -(-body["total"] // limit)
        items += body["data"]
        if not body["hasMore"]:
            assert len(items) == body["total"]
            return items
        page += 1


def ids(items: list[dict[str, Any]]) -> list[uuid.UUID]:
    found = [uuid.UUID(item["id"]) for item in items]
    assert len(found) == len(set(found)), "an item came twice"
    return found


def newest_first(expected: list[uuid.UUID]) -> list[uuid.UUID]:
    # The builder gives every row one creation time: the id decides, highest first.
    return sorted(expected, key=str, reverse=True)


async def test_paging_through_albums_tracks_and_artists_yields_each_item_exactly_once(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    albums = await skip_through(client, reader, "/api/albums", take=5)
    assert ids(albums) == newest_first(bulk.albums)
    tracks = await skip_through(client, reader, "/api/tracks", take=7)
    assert ids(tracks) == newest_first(bulk.tracks)
    artists = await skip_through(client, reader, "/api/artists", take=2)
    assert ids(artists) == newest_first(bulk.artists)

    alphabetical = await page_through(client, reader, "/api/albums/alphabetical", limit=5)
    assert set(ids(alphabetical)) == set(bulk.albums)
    keys = [(sort_key(a["name"]), a["id"]) for a in alphabetical]
    assert keys == sorted(keys)

    by_artist = await page_through(client, reader, "/api/albums/by-artist", limit=3)
    assert set(ids(by_artist)) == set(bulk.albums)
    order = [(sort_key(a["artist"]), sort_key(a["name"])) for a in by_artist]
    assert order == sorted(order)


async def test_an_albums_tracks_come_by_number_and_page_without_overlap(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    album = bulk.albums[5]
    tracks = await skip_through(client, reader, f"/api/albums/{album}/tracks", take=3)
    assert [t["trackNumber"] for t in tracks] == list(range(1, TRACKS_PER_ALBUM + 1))
    assert {t["albumId"] for t in tracks} == {str(album)}
    assert len(set(ids(tracks))) == TRACKS_PER_ALBUM


async def test_list_payloads_have_the_spec_fields_and_no_absolute_paths(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    album = (await get(client, reader, "/api/albums", take=1))["data"][0]
    assert album["title"] == album["name"]
    assert album["totalTracks"] == album["songCount"] == TRACKS_PER_ALBUM
    assert album["addedAt"] == album["createdAt"]
    assert album["albumArtist"] == {"id": album["albumArtistId"], "name": album["artist"]}
    assert album["coverImage"] is None  # no cover in the bulk rows
    assert {g["name"] for g in album["genres"]} <= set(GENRES)

    track = (await get(client, reader, "/api/tracks", take=1))["data"][0]
    root = str(services.settings.library[0])
    assert not track["path"].startswith("/")
    assert root not in track["path"]
    assert track["path"].endswith(".flac") and track["path"].count("/") == 2
    assert track["artists"] == [{"id": track["artistId"], "name": track["artistName"]}]
    assert track["isMissing"] is False
    for field in ("sampleRate", "bitDepth", "discSubtitle", "mbzTrackId", "genres", "lyrics"):
        assert field in track
    assert (track["sampleRate"], track["bitDepth"]) == (44100, 16)

    artist = (await get(client, reader, "/api/artists", take=1))["data"][0]
    assert artist["songCount"] == ALBUMS_PER_ARTIST * TRACKS_PER_ALBUM
    assert artist["albumCount"] == ALBUMS_PER_ARTIST
    assert artist["orderArtistName"] == sort_key(artist["name"])


async def test_search_ignores_accents_and_case_and_ranks_prefix_matches_first(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    found = await skip_through(client, reader, "/api/tracks/search/CAFE", take=4)
    expected = {t for t, title in bulk.titles.items() if "cafe" in fold(title)}
    assert set(ids(found)) == expected and expected
    starts = [fold(t["title"]).startswith("cafe") for t in found]
    assert starts == sorted(starts, reverse=True) and any(starts) and not all(starts)
    keys = [fold(t["title"]) for t in found if fold(t["title"]).startswith("cafe")]
    assert keys == sorted(keys)
    beyond = await get(client, reader, "/api/tracks/search/cafe", skip=500, take=5)
    assert (beyond["data"], beyond["total"], beyond["hasMore"]) == ([], len(expected), False)

    # "lumière" folded: a match inside a word, with the accent typed or not.
    for query in ("umiè", "UMIE"):
        body = await get(client, reader, f"/api/tracks/search/{query}", take=100)
        assert {uuid.UUID(t["id"]) for t in body["data"]} == {
            t for t, title in bulk.titles.items() if "umie" in fold(title)
        }

    albums = await get(client, reader, "/api/albums/search/album café", take=100)
    assert albums["total"] == ARTISTS  # "Album Café a-2" of each artist
    assert all("cafe" in fold(a["name"]) for a in albums["data"])
    artists = await get(client, reader, "/api/artists/search/artist cafe")
    assert [a["name"] for a in artists["data"]] == ["Artist Café 2"]


async def test_track_search_follows_every_write_to_the_tracks(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    # On SQLite search counts and ranks in a full-text table that triggers keep: a retitled,
    # a deleted and a returning track show at once (each term searched once: no cached answer).
    retitled, gone, back = bulk.tracks[5], bulk.tracks[6], bulk.tracks[7]
    async with services.sessions() as session:
        new_title = "Zyxwvut Song"
        await session.execute(
            update(Track)
            .where(Track.id == retitled)
            .values(title=new_title, search_key=fold(new_title))
        )
        await session.execute(update(Track).where(Track.id == back).values(missing_at=utcnow()))
        await session.commit()
        await session.execute(update(Track).where(Track.id == back).values(missing_at=None))
        await session.execute(delete(Track).where(Track.id == gone))
        await session.commit()
    keys = {track: fold(title) for track, title in bulk.titles.items() if track != gone}
    keys[retitled] = fold(new_title)

    found = await get(client, reader, "/api/tracks/search/XWVU")
    assert (ids(found["data"]), found["total"]) == ([retitled], 1)
    for track in (retitled, gone, back):
        term = fold(bulk.titles[track])
        found = await skip_through(client, reader, f"/api/tracks/search/{term}", take=7)
        assert set(ids(found)) == {t for t, key in keys.items() if term in key}


async def test_one_search_returns_artists_albums_and_tracks_with_their_totals(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    body = await get(client, reader, "/api/search", q="Blue", limit=3)
    assert body["query"] == "Blue"
    assert [a["name"] for a in body["artists"]["data"]] == ["Artist Blue 1"]
    assert body["artists"]["total"] == 1
    assert body["albums"]["total"] == ARTISTS  # "Album Blue a-1" of each artist
    tracks = body["tracks"]
    assert tracks["total"] == sum("blue" in fold(title) for title in bulk.titles.values())
    assert len(tracks["data"]) == 3
    assert all(fold(t["title"]).startswith("blue") for t in tracks["data"])


async def test_a_search_shorter_than_two_characters_is_refused(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    for path in ("/api/tracks/search/a", "/api/albums/search/%20é%20", "/api/artists/search/x"):
        response = await client.get(path, headers=reader.headers)
        assert response.status_code == 400, path
        assert "at least 2 characters" in response.json()["message"]
    response = await client.get("/api/search", params={"q": "b"}, headers=reader.headers)
    assert response.status_code == 400
    # A NUL is dropped (no key holds one; SQLite's full-text syntax would end the query at it).
    response = await client.get("/api/search", params={"q": "\x00b"}, headers=reader.headers)
    assert response.status_code == 400
    for path in ("/api/search", "/api/tracks/search/caf%00e"):
        response = await client.get(path, params={"q": "caf\x00e"}, headers=reader.headers)
        assert response.status_code == 200, response.text


async def test_unknown_ids_answer_404_in_the_error_envelope(
    client: AsyncClient, reader: LoggedIn
) -> None:
    unknown = uuid.uuid4()
    for path in (
        f"/api/albums/{unknown}",
        f"/api/albums/{unknown}/tracks",
        f"/api/artists/{unknown}",
        f"/api/artists/{unknown}/albums",
        f"/api/artists/{unknown}/top-tracks",
        f"/api/tracks/{unknown}",
        f"/api/genres/{unknown}",
        f"/api/genres/{unknown}/tracks",
        "/api/albums/featured",  # an empty library has nothing to feature
    ):
        response = await client.get(path, headers=reader.headers)
        assert response.status_code == 404, path
        assert response.json()["statusCode"] == 404


async def test_missing_tracks_leave_listings_and_search_but_stay_flagged_in_their_album(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    gone = bulk.tracks[3]
    async with services.sessions() as session:
        await session.execute(update(Track).where(Track.id == gone).values(missing_at=utcnow()))
        await session.commit()
    tracks = await skip_through(client, reader, "/api/tracks", take=50)
    assert gone not in ids(tracks) and len(tracks) == len(bulk.tracks) - 1
    title = bulk.titles[gone]
    found = await get(client, reader, f"/api/tracks/search/{title}")
    assert str(gone) not in {t["id"] for t in found["data"]}
    album_id = bulk.albums[0]
    in_album = await get(client, reader, f"/api/albums/{album_id}/tracks", take=100)
    flagged = {t["id"]: t["isMissing"] for t in in_album["data"]}
    assert flagged[str(gone)] is True
    assert sum(flagged.values()) == 1 and len(flagged) == TRACKS_PER_ALBUM


async def test_a_seeded_shuffle_pages_through_the_whole_library_in_one_order(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    first = await skip_through(client, reader, "/api/tracks/shuffle", take=9, seed=0.25)
    assert set(ids(first)) == set(bulk.tracks)
    again = await skip_through(client, reader, "/api/tracks/shuffle", take=20, seed=0.25)
    assert ids(again) == ids(first)
    other = await skip_through(client, reader, "/api/tracks/shuffle", take=50, seed=0.75)
    assert set(ids(other)) == set(bulk.tracks) and ids(other) != ids(first)
    drawn = await get(client, reader, "/api/tracks/shuffle", take=5)
    seeded = await get(client, reader, "/api/tracks/shuffle", take=5, seed=drawn["seed"])
    assert seeded["data"] == drawn["data"] and seeded["seed"] == drawn["seed"]


async def add_plays(services: Services, user_id: str, album_plays: dict[uuid.UUID, int]) -> None:
    """Play statistics and history as play tracking writes them: one history row per play of
    the album's first track, the latest album last."""
    now = utcnow()
    async with services.sessions() as session:
        for offset, (album_id, count) in enumerate(album_plays.items()):
            await session.execute(
                insert(UserPlayStats).values(
                    user_id=uuid.UUID(user_id), item_id=album_id, item_type="album",
                    play_count=count, weighted_play_count=float(count),
                )
            )  # fmt: skip
            track = await session.scalar(
                select(Track.id).where(Track.album_id == album_id).order_by(Track.track_number)
            )
            await session.execute(
                insert(PlayEvent),
                [
                    {"user_id": uuid.UUID(user_id), "track_id": track, "play_context": "album",
                     "played_at": now - timedelta(minutes=len(album_plays) - offset, seconds=n)}
                    for n in range(count)
                ],
            )  # fmt: skip
        await session.commit()


async def test_top_played_falls_back_to_the_newest_albums_while_nobody_has_played(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    top = await get(client, reader, "/api/albums/top-played", take=4)
    assert ids(top) == newest_first(bulk.albums)[:4]
    assert await get(client, reader, "/api/albums/top-played/me") == []
    featured = await get(client, reader, "/api/albums/featured")
    assert featured["id"] == str(newest_first(bulk.albums)[0])
    recent = await get(client, reader, "/api/albums/recent", take=3)
    assert ids(recent) == newest_first(bulk.albums)[:3]


async def test_play_statistics_rank_top_played_recently_played_and_featured_albums(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    a, b, c = bulk.albums[:3]
    other = await create_user(services, "other")
    await add_plays(services, reader.user_id, {a: 2, b: 5})
    await add_plays(services, other, {a: 4, c: 1})
    top = await get(client, reader, "/api/albums/top-played", take=10)
    assert ids(top) == [a, b, c]  # 6, 5 and 1 plays
    mine = await get(client, reader, "/api/albums/top-played/me", take=10)
    assert ids(mine) == [b, a]
    assert (await get(client, reader, "/api/albums/featured"))["id"] == str(a)
    recent = await get(client, reader, "/api/albums/recently-played", limit=10)
    assert ids(recent["data"]) == [b, a]  # b was played last


async def test_favorite_albums_are_the_callers_stars_last_starred_first(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    other = await create_user(services, "other")
    now = utcnow()
    stars = [
        (reader.user_id, bulk.albums[4], now - timedelta(hours=2)),
        (reader.user_id, bulk.albums[1], now - timedelta(hours=1)),
        (reader.user_id, bulk.tracks[0], now),  # a starred track is not an album
        (other, bulk.albums[7], now),
    ]
    async with services.sessions() as session:
        await session.execute(
            insert(Favorite),
            [
                {"user_id": uuid.UUID(user), "item_id": item, "created_at": at,
                 "item_type": "track" if item == bulk.tracks[0] else "album"}
                for user, item, at in stars
            ],
        )  # fmt: skip
        await session.commit()
    favorites = await page_through(client, reader, "/api/albums/favorites", limit=1)
    assert ids(favorites) == [bulk.albums[1], bulk.albums[4]]
