"""Ratings and favourites (/api/interactions) on both storage tiers, on a scanned library."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import delete

from echo.bootstrap import Services
from echo.features.interactions.cache import figures_key
from echo.features.tracks.models import Track
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.listening import Library, scanned_library

API = "/api/interactions"


@pytest.fixture
async def library(services: Services, library_dir: Path) -> Library:
    return await scanned_library(services, library_dir)


@pytest.fixture
async def bob(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "bob")


async def rate(
    client: AsyncClient, user: LoggedIn, item_type: str, item_id: str, rating: int
) -> dict[str, Any]:
    body = {"itemType": item_type, "itemId": item_id, "rating": rating}
    response = await client.post(f"{API}/rating", json=body, headers=user.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def get(client: AsyncClient, user: LoggedIn, path: str, **params: Any) -> Any:
    response = await client.get(f"{API}{path}", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def star(client: AsyncClient, user: LoggedIn, item_type: str, item_id: str) -> Any:
    response = await client.put(f"{API}/favorite/{item_type}/{item_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_rating_is_stored_and_a_second_one_replaces_it(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    album = library.album("First Light")
    first = await rate(client, alice, "album", album, 4)
    assert set(first) == {"userId", "itemId", "itemType", "rating", "createdAt", "updatedAt"}
    assert (first["userId"], first["itemId"], first["itemType"], first["rating"]) == (
        alice.user_id, album, "album", 4,
    )  # fmt: skip
    second = await rate(client, alice, "album", album, 2)
    assert second["rating"] == 2
    assert second["createdAt"] == first["createdAt"]
    assert datetime.fromisoformat(second["updatedAt"]) > datetime.fromisoformat(first["updatedAt"])
    assert await get(client, alice, "/me") == [second]


async def test_an_item_shows_everyones_average_and_the_callers_own_rating(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, services: Services, library: Library
) -> None:
    track = library.track("Noon")
    await rate(client, alice, "track", track, 4)
    await rate(client, bob, "track", track, 1)
    assert await get(client, alice, f"/item/track/{track}") == {
        "itemId": track, "itemType": "track", "userRating": 4, "averageRating": 2.5,
        "totalRatings": 2, "isFavorite": False,
    }  # fmt: skip
    carol = await create_and_login(services, client, "carol")
    seen_by_carol = await get(client, carol, f"/item/track/{track}")
    assert (seen_by_carol["userRating"], seen_by_carol["averageRating"]) == (None, 2.5)
    unrated = await get(client, carol, f"/item/artist/{library.artist('Gamma')}")
    assert (unrated["averageRating"], unrated["totalRatings"]) == (0.0, 0)


async def test_deleting_a_rating_removes_it_from_the_figures_and_can_be_repeated(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, library: Library
) -> None:
    artist = library.artist("Alpha")
    await rate(client, alice, "artist", artist, 5)
    await rate(client, bob, "artist", artist, 3)
    assert (await get(client, alice, f"/item/artist/{artist}"))["averageRating"] == 4.0
    for _ in range(2):
        response = await client.delete(f"{API}/rating/artist/{artist}", headers=alice.headers)
        assert response.status_code == 204
    figures = await get(client, alice, f"/item/artist/{artist}")
    assert (figures["userRating"], figures["averageRating"], figures["totalRatings"]) == (
        None, 3.0, 1,
    )  # fmt: skip
    assert await get(client, alice, "/me") == []
    assert len(await get(client, bob, "/me")) == 1


async def test_my_ratings_are_only_mine_newest_first_and_filter_by_type(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, library: Library
) -> None:
    await rate(client, alice, "track", library.track("Dawn"), 3)
    await rate(client, alice, "album", library.album("Second Wind"), 5)
    await rate(client, alice, "artist", library.artist("Delta"), 1)
    await rate(client, bob, "album", library.album("First Light"), 2)
    mine = await get(client, alice, "/me")
    assert [(r["itemType"], r["itemId"], r["rating"]) for r in mine] == [
        ("artist", library.artist("Delta"), 1),
        ("album", library.album("Second Wind"), 5),
        ("track", library.track("Dawn"), 3),
    ]
    assert {r["userId"] for r in mine} == {alice.user_id}
    albums = await get(client, alice, "/me", itemType="album")
    assert [r["itemId"] for r in albums] == [library.album("Second Wind")]


async def test_a_rating_drops_the_items_cached_figures_and_browse_keys_only(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, services: Services, library: Library
) -> None:
    album = library.album("First Light")
    other = library.album("Second Wind")
    await rate(client, alice, "album", album, 4)
    assert (await get(client, alice, f"/item/album/{album}"))["averageRating"] == 4.0
    key = figures_key("album", uuid.UUID(album))
    assert await services.cache.get(key) == {"averageRating": 4.0, "totalRatings": 1}
    # What the browse API caches for albums: the entity and its parts, keyed by the id.
    browse = {"id": album}
    for browse_key in (f"album:{album}", f"album:{album}:tracks:0:10", f"album:{other}"):
        await services.cache.set(browse_key, browse, 3600)
    await rate(client, bob, "album", album, 2)
    assert await services.cache.get(key) is None
    assert await services.cache.get(f"album:{album}") is None
    assert await services.cache.get(f"album:{album}:tracks:0:10") is None
    assert await services.cache.get(f"album:{other}") == browse
    figures = await get(client, alice, f"/item/album/{album}")
    assert (figures["averageRating"], figures["totalRatings"]) == (3.0, 2)
    await services.cache.set(f"album:{album}", browse, 3600)
    response = await client.delete(f"{API}/rating/album/{album}", headers=bob.headers)
    assert response.status_code == 204
    assert await services.cache.get(f"album:{album}") is None
    assert (await get(client, alice, f"/item/album/{album}"))["totalRatings"] == 1


async def test_unknown_items_are_404(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    unknown = str(uuid.uuid4())
    for item_type, item_id in (
        ("track", unknown),
        ("album", unknown),
        ("artist", unknown),
        ("track", library.album("First Light")),  # an album's id is no track's
    ):
        body = {"itemType": item_type, "itemId": item_id, "rating": 3}
        response = await client.post(f"{API}/rating", json=body, headers=alice.headers)
        assert response.status_code == 404, (item_type, item_id)
        assert response.json()["message"] == f"{item_type.capitalize()} not found"
        path = f"/item/{item_type}/{item_id}"
        assert (await client.get(f"{API}{path}", headers=alice.headers)).status_code == 404
        path = f"/favorite/{item_type}/{item_id}"
        assert (await client.put(f"{API}{path}", headers=alice.headers)).status_code == 404
    assert await get(client, alice, "/me") == []
    assert (await get(client, alice, "/favorites"))["total"] == 0


async def test_bad_input_and_playlists_are_400(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    track = library.track("Dawn")
    for body in (
        {"itemType": "track", "itemId": track, "rating": 0},
        {"itemType": "track", "itemId": track, "rating": 6},
        {"itemType": "track", "itemId": track, "rating": 3.5},
        {"itemType": "track", "itemId": track, "rating": "five"},
        {"itemType": "song", "itemId": track, "rating": 3},
        {"itemType": "track", "itemId": "not-a-uuid", "rating": 3},
        {"itemType": "track", "rating": 3},
        {"itemType": "track", "itemId": track, "rating": 3, "comment": "nice"},
        {"itemType": "playlist", "itemId": track, "rating": 3},
    ):
        response = await client.post(f"{API}/rating", json=body, headers=alice.headers)
        assert response.status_code == 400, body
    response = await client.post(
        f"{API}/rating",
        json={"itemType": "playlist", "itemId": str(uuid.uuid4()), "rating": 3},
        headers=alice.headers,
    )
    assert response.json()["message"] == "Playlists cannot be rated or starred yet"
    for method, path in (
        ("GET", f"/item/song/{track}"),
        ("GET", f"/item/playlist/{track}"),
        ("GET", "/item/track/not-a-uuid"),
        ("GET", "/me?itemType=song"),
        ("DELETE", f"/rating/playlist/{track}"),
        ("DELETE", f"/rating/song/{track}"),
        ("PUT", f"/favorite/playlist/{track}"),
        ("PUT", f"/favorite/song/{track}"),
        ("DELETE", f"/favorite/playlist/{track}"),
        ("GET", "/favorites?itemType=playlist"),
        ("GET", "/favorites?take=0"),
        ("GET", "/favorites?take=101"),
        ("GET", "/favorites?skip=-1"),
    ):
        response = await client.request(method, f"{API}{path}", headers=alice.headers)
        assert response.status_code == 400, (method, path)
    assert await get(client, alice, "/me") == []


async def test_starring_twice_keeps_the_first_star_and_unstarring_can_be_repeated(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    album = library.album("Second Wind")
    first = await star(client, alice, "album", album)
    assert first == {
        "itemType": "album", "itemId": album, "name": "Second Wind",
        "createdAt": first["createdAt"],
    }  # fmt: skip
    assert await star(client, alice, "album", album) == first
    assert (await get(client, alice, f"/item/album/{album}"))["isFavorite"] is True
    assert (await get(client, alice, "/favorites"))["data"] == [first]
    for _ in range(2):
        response = await client.delete(f"{API}/favorite/album/{album}", headers=alice.headers)
        assert response.status_code == 204
    assert (await get(client, alice, f"/item/album/{album}"))["isFavorite"] is False
    assert (await get(client, alice, "/favorites"))["total"] == 0


async def test_favorites_are_listed_newest_first_in_pages_and_by_type(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, library: Library
) -> None:
    await star(client, alice, "track", library.track("Dawn"))
    await star(client, alice, "album", library.album("First Light"))
    await star(client, alice, "artist", library.artist("Alpha"))
    await star(client, alice, "track", library.track("Noon"))
    await star(client, bob, "track", library.track("Dusk"))
    everything = await get(client, alice, "/favorites")
    assert [(f["itemType"], f["name"]) for f in everything["data"]] == [
        ("track", "Noon"), ("artist", "Alpha"), ("album", "First Light"), ("track", "Dawn"),
    ]  # fmt: skip
    assert (everything["total"], everything["skip"], everything["take"]) == (4, 0, 20)
    assert everything["hasMore"] is False
    first = await get(client, alice, "/favorites", take=3)
    rest = await get(client, alice, "/favorites", skip=3, take=3)
    assert (first["hasMore"], rest["hasMore"], rest["total"]) == (True, False, 4)
    assert first["data"] + rest["data"] == everything["data"]
    tracks = await get(client, alice, "/favorites", itemType="track")
    assert [f["itemId"] for f in tracks["data"]] == [
        library.track("Noon"), library.track("Dawn"),
    ]  # fmt: skip
    assert tracks["total"] == 2
    assert [f["name"] for f in (await get(client, bob, "/favorites"))["data"]] == ["Dusk"]


async def test_a_star_of_a_track_deleted_since_is_left_out_and_can_still_be_removed(
    client: AsyncClient, alice: LoggedIn, services: Services, library: Library
) -> None:
    await star(client, alice, "track", library.track("Dawn"))
    await star(client, alice, "track", library.track("Dusk"))
    await rate(client, alice, "track", library.track("Dusk"), 5)
    async with services.sessions() as session:
        await session.execute(delete(Track).where(Track.id == library.tracks["Dusk"]))
        await session.commit()
    listed = await get(client, alice, "/favorites")
    assert [f["name"] for f in listed["data"]] == ["Dawn"]
    assert listed["total"] == 1
    dusk = library.track("Dusk")
    for path in (f"/favorite/track/{dusk}", f"/rating/track/{dusk}"):
        assert (await client.delete(f"{API}{path}", headers=alice.headers)).status_code == 204
    assert await get(client, alice, "/me") == []


async def test_every_route_needs_a_token(client: AsyncClient) -> None:
    item = str(uuid.uuid4())
    for method, path, body in (
        ("POST", "/rating", {"itemType": "track", "itemId": item, "rating": 3}),
        ("DELETE", f"/rating/track/{item}", None),
        ("GET", "/me", None),
        ("GET", f"/item/track/{item}", None),
        ("PUT", f"/favorite/track/{item}", None),
        ("DELETE", f"/favorite/track/{item}", None),
        ("GET", "/favorites", None),
    ):
        response = await client.request(method, f"{API}{path}", json=body)
        assert response.status_code == 401, (method, path)
