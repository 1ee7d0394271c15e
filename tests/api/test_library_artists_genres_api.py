"""Artists and genres over the API (spec §2.6, §2.8) on SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import insert

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.text import fold
from echo.features.play_tracking.models import PlayEvent, UserPlayStats
from tests.api.test_library_api import (
    ALBUMS_PER_ARTIST,
    ARTISTS,
    TRACKS_PER_ALBUM,
    get,
    ids,
    skip_through,
)
from tests.builders import LoggedIn, create_and_login, create_user
from tests.fixtures.bulk_library import GENRES, BulkLibrary, insert_library


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


async def add_stats(services: Services, rows: list[tuple[str, str, uuid.UUID, int]]) -> None:
    """(user, item type, item, plays) into user_play_stats, as play tracking keeps them."""
    async with services.sessions() as session:
        await session.execute(
            insert(UserPlayStats),
            [
                {"user_id": uuid.UUID(user), "item_type": kind, "item_id": item,
                 "play_count": plays, "weighted_play_count": float(plays)}
                for user, kind, item, plays in rows
            ],
        )  # fmt: skip
        await session.commit()


async def test_an_artist_has_its_albums_newest_year_first(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    artist = bulk.artists[1]
    body = await get(client, reader, f"/api/artists/{artist}")
    assert body["name"] == "Artist Blue 1" and body["albumCount"] == ALBUMS_PER_ARTIST
    albums = await skip_through(client, reader, f"/api/artists/{artist}/albums", take=3)
    mine = bulk.albums[ALBUMS_PER_ARTIST : 2 * ALBUMS_PER_ARTIST]
    assert ids(albums) == list(reversed(mine))  # years 2000..2003, newest first
    assert [a["year"] for a in albums] == [2003, 2002, 2001, 2000]


async def test_top_tracks_rank_an_artists_tracks_by_everyones_plays(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    other = await create_user(services, "other")
    first, second, third = bulk.tracks[0], bulk.tracks[15], bulk.tracks[39]  # artist 0
    foreign = bulk.tracks[45]  # artist 1
    await add_stats(
        services,
        [
            (reader.user_id, "track", first, 2),
            (other, "track", first, 1),
            (reader.user_id, "track", second, 7),
            (other, "track", third, 1),
            (other, "track", foreign, 50),
        ],
    )
    artist = bulk.artists[0]
    body = await get(client, reader, f"/api/artists/{artist}/top-tracks", limit=2)
    assert (body["artistId"], body["limit"]) == (str(artist), 2)
    assert [(t["trackId"], t["playCount"], t["uniqueListeners"]) for t in body["data"]] == [
        (str(second), 7, 1),
        (str(first), 3, 2),
    ]
    assert body["data"][0]["title"] == bulk.titles[second]

    # With `days`, only the history of that many days counts.
    now = utcnow()
    async with services.sessions() as session:
        await session.execute(
            insert(PlayEvent),
            [
                {"user_id": uuid.UUID(reader.user_id), "track_id": third,
                 "play_context": "album", "played_at": now - timedelta(days=1)},
                {"user_id": uuid.UUID(reader.user_id), "track_id": second,
                 "play_context": "album", "played_at": now - timedelta(days=40)},
            ],
        )  # fmt: skip
        await session.commit()
    recent = await get(client, reader, f"/api/artists/{artist}/top-tracks", days=30)
    assert recent["days"] == 30
    assert [t["trackId"] for t in recent["data"]] == [str(third)]


async def test_artist_stats_summarise_the_play_history_of_its_tracks(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    other = await create_user(services, "other")
    plays = [
        (reader.user_id, bulk.tracks[0], 1.0, False),
        (reader.user_id, bulk.tracks[1], 0.2, True),
        (other, bulk.tracks[2], 0.9, False),
        (other, bulk.tracks[45], 1.0, False),  # another artist's track
    ]
    async with services.sessions() as session:
        await session.execute(
            insert(PlayEvent),
            [
                {"user_id": uuid.UUID(user), "track_id": track, "play_context": "album",
                 "completion_rate": rate, "skipped": skipped}
                for user, track, rate, skipped in plays
            ],
        )  # fmt: skip
        await session.commit()
    body = await get(client, reader, f"/api/artists/{bulk.artists[0]}/stats")
    assert body == {
        "artistId": str(bulk.artists[0]),
        "totalPlays": 3,
        "uniqueListeners": 2,
        "avgCompletionRate": 0.7,
        "skipRate": 0.3333,
    }


async def test_related_artists_come_from_what_the_same_listeners_play(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    a, b, c = bulk.artists
    lonely = await get(client, reader, f"/api/artists/{a}/related")
    assert lonely == {"artistId": str(a), "data": [], "source": "none"}

    other = await create_user(services, "other")
    third = await create_user(services, "third")
    await add_stats(
        services,
        [
            (reader.user_id, "artist", a, 3),
            (reader.user_id, "artist", b, 10),
            (other, "artist", a, 1),
            (other, "artist", b, 2),
            (other, "artist", c, 1),
            (third, "artist", c, 100),  # never played `a`: does not count
        ],
    )
    # The answer of a minute ago is cached for 5 minutes; ask with another limit.
    body = await get(client, reader, f"/api/artists/{a}/related", limit=5)
    assert body["source"] == "internal"
    assert [(r["id"], r["matchScore"]) for r in body["data"]] == [(str(b), 100), (str(c), 14)]
    assert body["data"][0]["songCount"] == ALBUMS_PER_ARTIST * TRACKS_PER_ALBUM


async def test_genres_list_with_counts_sorts_searches_and_pages(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary
) -> None:
    genres = await skip_through(client, reader, "/api/genres", take=2)
    assert {g["name"] for g in genres} == set(GENRES)
    counts = [(g["trackCount"], g["id"]) for g in genres]
    assert [c for c, _ in counts] == sorted((c for c, _ in counts), reverse=True)
    assert sum(c for c, _ in counts) == len(bulk.tracks)
    electro = next(g for g in genres if g["name"] == "Électronique")
    assert electro["slug"] == "electronique"
    assert electro["coverColor"].startswith(("#", "hsl("))
    assert electro["albumCount"] == len(bulk.albums) and electro["artistCount"] == ARTISTS
    assert electro["coverImageUrl"] is None  # the bulk albums have no covers

    by_name = await get(client, reader, "/api/genres", sort="name", order="asc", take=100)
    assert [g["name"] for g in by_name["data"]] == sorted(GENRES, key=fold)
    found = await get(client, reader, "/api/genres", search="ELECTRO")
    assert [g["name"] for g in found["data"]] == ["Électronique"]
    assert (await get(client, reader, f"/api/genres/{electro['id']}")) == electro


async def test_a_genres_albums_tracks_and_artists_page_in_the_asked_order(
    client: AsyncClient, reader: LoggedIn, bulk: BulkLibrary, services: Services
) -> None:
    rock = bulk.genres["Rock"]
    rock_tracks = [t for n, t in enumerate(bulk.tracks) if n % len(GENRES) == 0]
    await add_stats(services, [(reader.user_id, "track", rock_tracks[5], 9)])
    await add_stats(services, [(reader.user_id, "album", bulk.albums[7], 4)])

    tracks = await skip_through(client, reader, f"/api/genres/{rock}/tracks", take=5)
    assert set(ids(tracks)) == set(rock_tracks)
    assert tracks[0]["id"] == str(rock_tracks[5])  # most played first
    by_title = await skip_through(
        client, reader, f"/api/genres/{rock}/tracks", take=5, sort="title"
    )
    titles = [fold(t["title"]) for t in by_title]
    assert titles == sorted(titles)

    albums = await skip_through(
        client, reader, f"/api/genres/{rock}/albums", take=4, sort="playCount"
    )
    assert set(ids(albums)) == set(bulk.albums) and albums[0]["id"] == str(bulk.albums[7])
    by_year = await skip_through(
        client, reader, f"/api/genres/{rock}/albums", take=4, sort="releaseYear", order="asc"
    )
    years = [a["year"] for a in by_year]
    assert years == sorted(years)

    artists = await skip_through(client, reader, f"/api/genres/{rock}/artists", take=2)
    assert [a["name"] for a in artists] == ["Artist Amber 0", "Artist Blue 1", "Artist Café 2"]
