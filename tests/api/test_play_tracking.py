"""Recording plays and skips (/api/play-tracking) on both storage tiers, on a library
scanned for real: the event, the skip rule, context weights, the stats per track, album and
artist, playback state, and the errors."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.play_tracking.models import PlaybackState, UserPlayStats
from echo.features.play_tracking.schemas import CONTEXT_WEIGHTS
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.listening import (
    PLAY_TRACKING,
    Library,
    get,
    play,
    scanned_library,
    skip,
    stats,
    stored_event_ids,
)


@pytest.fixture
async def library(services: Services, library_dir: Path) -> Library:
    return await scanned_library(services, library_dir)


async def test_a_play_returns_the_recorded_event_with_its_client_and_source(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    agent = "EchoPlayer/1.0 " + "x" * 400
    response = await client.post(
        f"{PLAY_TRACKING}/play",
        json={
            "trackId": library.track("Dawn"),
            "playContext": "playlist",
            "completionRate": 0.9,
            "sourceId": "playlist-7",
            "sourceType": "playlist",
        },
        headers={**alice.headers, "User-Agent": agent},
    )
    assert response.status_code == 201, response.text
    event = response.json()
    assert set(event) == {
        "id", "userId", "trackId", "playedAt", "client", "playContext", "completionRate",
        "skipped", "sourceId", "sourceType", "createdAt",
    }  # fmt: skip
    assert event["userId"] == alice.user_id
    assert event["trackId"] == library.track("Dawn")
    assert event["playContext"] == "playlist"
    assert event["completionRate"] == 0.9
    assert event["skipped"] is False
    assert event["client"] == agent[:255]
    assert (event["sourceId"], event["sourceType"]) == ("playlist-7", "playlist")
    history = await get(client, alice, "/history")
    assert history == [event]


async def test_a_play_without_a_completion_rate_counts_as_heard_in_full(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    event = await play(client, alice, library.track("Dawn"))
    assert event["completionRate"] == 1.0
    assert event["skipped"] is False
    assert event["sourceId"] is None


async def test_a_play_heard_for_less_than_half_is_recorded_and_counted_as_a_skip(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    dawn = library.track("Dawn")
    assert (await play(client, alice, dawn, rate=0.49))["skipped"] is True
    assert (await play(client, alice, dawn, rate=0.5))["skipped"] is False
    figures = await stats(client, alice, "track", dawn)
    assert figures["playCount"] == 1
    assert figures["skipCount"] == 1
    assert figures["avgCompletionRate"] == pytest.approx(0.5)
    assert figures["weightedPlayCount"] == pytest.approx(0.5)


async def test_the_skip_route_records_a_skip_that_only_counts_as_one(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    dusk = library.track("Dusk")
    event = await skip(client, alice, dusk, 0.7, context="album")
    assert event["skipped"] is True
    assert event["completionRate"] == 0.7
    assert event["playContext"] == "album"
    for item_type, item_id in (
        ("track", dusk),
        ("album", library.album("Second Wind")),
        ("artist", library.artist("Gamma")),
    ):
        figures = await stats(client, alice, item_type, item_id)
        assert figures["skipCount"] == 1
        assert figures["playCount"] == 0
        assert figures["weightedPlayCount"] == 0
        assert figures["lastPlayedAt"] is None


async def test_each_context_adds_its_weight_times_the_completion_rate(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    dawn = library.track("Dawn")
    expected_weights = {
        "direct": 1.0, "search": 0.9, "playlist": 0.8, "artist": 0.75, "queue": 0.7,
        "recommendation": 0.7, "album": 0.6, "radio": 0.4, "shuffle": 0.2,
    }  # fmt: skip
    assert expected_weights == CONTEXT_WEIGHTS
    weighted = 0.0
    rates: list[float] = []
    for number, (context, weight) in enumerate(expected_weights.items()):
        rate = 0.5 + number * 0.05
        await play(client, alice, dawn, context, rate)
        weighted += weight * rate
        rates.append(rate)
        # Read after every play: the cached figures must not hide the new play.
        figures = await stats(client, alice, "track", dawn)
        assert figures["weightedPlayCount"] == pytest.approx(weighted), context
        assert figures["playCount"] == len(rates)
        assert figures["avgCompletionRate"] == pytest.approx(sum(rates) / len(rates))
    album = await stats(client, alice, "album", library.album("First Light"))
    assert album["weightedPlayCount"] == pytest.approx(weighted)
    assert album["playCount"] == len(expected_weights)


async def test_a_play_counts_for_the_track_its_album_and_every_credited_artist_but_not_the_album_artist(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    before = utcnow()
    await play(client, alice, library.track("Noon"), "search", 0.8)
    await play(client, alice, library.track("Solo"), "direct")
    for item_type, item_id in (
        ("track", library.track("Noon")),
        ("album", library.album("First Light")),
        ("artist", library.artist("Alpha")),
        ("artist", library.artist("Beta")),
    ):
        figures = await stats(client, alice, item_type, item_id)
        assert figures["itemType"] == item_type
        assert figures["itemId"] == item_id
        assert figures["playCount"] == 1, (item_type, item_id)
        assert figures["weightedPlayCount"] == pytest.approx(0.72)
        assert figures["avgCompletionRate"] == pytest.approx(0.8)
        assert figures["lastPlayedAt"] >= before.isoformat()[:19]
    assert (await stats(client, alice, "artist", library.artist("Delta")))["playCount"] == 1
    assert (await stats(client, alice, "album", library.album("Mixed")))["playCount"] == 1
    various = await stats(client, alice, "artist", library.artist("Various Artists"))
    assert (various["playCount"], various["skipCount"], various["totalPlayCount"]) == (0, 0, 0)
    assert (await stats(client, alice, "artist", library.artist("Gamma")))["playCount"] == 0


async def test_concurrent_plays_of_one_track_all_count(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    dawn = library.track("Dawn")
    await asyncio.gather(*(play(client, alice, dawn, "direct", 0.8) for _ in range(12)))
    figures = await stats(client, alice, "track", dawn)
    assert figures["playCount"] == 12
    assert figures["weightedPlayCount"] == pytest.approx(12 * 0.8)
    assert figures["avgCompletionRate"] == pytest.approx(0.8)
    assert (await stats(client, alice, "artist", library.artist("Alpha")))["playCount"] == 12


async def test_playback_state_is_one_row_per_user_updated_in_place(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    url = f"{PLAY_TRACKING}/playback-state"
    first = {"isPlaying": True, "currentTrackId": library.track("Dawn")}
    assert (await client.put(url, json=first, headers=alice.headers)).status_code == 204
    federated = {
        "isPlaying": False,
        "federationTrack": {
            "title": "Far Away", "artistName": "Remote", "albumName": "Elsewhere",
            "coverUrl": "https://peer.example/cover.jpg", "serverId": "peer-1",
            "serverName": "Peer",
        },
    }  # fmt: skip
    assert (await client.put(url, json=federated, headers=alice.headers)).status_code == 204
    async with services.sessions() as session:
        rows = list(await session.scalars(select(PlaybackState)))
    assert len(rows) == 1
    state = rows[0]
    assert str(state.user_id) == alice.user_id
    assert state.is_playing is False
    assert state.current_track_id is None
    assert state.current_federation_track == federated["federationTrack"]
    assert state.updated_at > state.created_at


async def test_a_user_who_must_change_the_password_can_still_record_and_read_plays(
    client: AsyncClient, services: Services, library: Library
) -> None:
    carol = await create_and_login(services, client, "carol", must_change_password=True)
    assert (await client.get("/api/users/privacy", headers=carol.headers)).status_code == 403
    await play(client, carol, library.track("Dawn"))
    await skip(client, carol, library.track("Noon"), 0.1)
    state = {"isPlaying": True, "currentTrackId": library.track("Dawn")}
    response = await client.put(
        f"{PLAY_TRACKING}/playback-state", json=state, headers=carol.headers
    )
    assert response.status_code == 204
    assert len(await get(client, carol, "/history")) == 2
    assert (await get(client, carol, "/summary"))["totalSkips"] == 1


async def test_unknown_tracks_and_items_are_404(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    unknown = str(uuid.uuid4())
    for path, body in (
        ("/play", {"trackId": unknown, "playContext": "direct"}),
        ("/skip", {"trackId": unknown, "playContext": "direct", "completionRate": 0.1}),
    ):
        response = await client.post(f"{PLAY_TRACKING}{path}", json=body, headers=alice.headers)
        assert response.status_code == 404, path
        assert response.json()["message"] == "Track not found"
    state = {"isPlaying": True, "currentTrackId": unknown}
    response = await client.put(
        f"{PLAY_TRACKING}/playback-state", json=state, headers=alice.headers
    )
    assert response.status_code == 404
    for item_type in ("track", "album", "artist"):
        response = await client.get(
            f"{PLAY_TRACKING}/stats/{item_type}/{unknown}", headers=alice.headers
        )
        assert response.status_code == 404, item_type
    # An album id is no track.
    response = await client.get(
        f"{PLAY_TRACKING}/stats/track/{library.album('First Light')}", headers=alice.headers
    )
    assert response.status_code == 404
    async with services.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(UserPlayStats)) == 0


async def test_bad_input_is_400_and_records_nothing(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    dawn = library.track("Dawn")
    for path, body in (
        ("/play", {"trackId": dawn, "playContext": "party"}),
        ("/play", {"trackId": dawn}),
        ("/play", {"trackId": dawn, "playContext": "direct", "completionRate": 1.5}),
        ("/play", {"trackId": dawn, "playContext": "direct", "completionRate": -0.1}),
        ("/play", {"trackId": "not-a-uuid", "playContext": "direct"}),
        ("/play", {"trackId": dawn, "playContext": "direct", "volume": 11}),
        ("/play", {"trackId": dawn, "playContext": "direct", "sourceId": "x" * 65}),
        ("/skip", {"trackId": dawn, "playContext": "direct"}),
        ("/skip", {"trackId": dawn, "playContext": "nowhere", "completionRate": 0.1}),
    ):
        response = await client.post(f"{PLAY_TRACKING}{path}", json=body, headers=alice.headers)
        assert response.status_code == 400, (path, body)
    for path, params in (
        ("/history", {"limit": 501}),
        ("/history", {"limit": 0}),
        ("/history", {"offset": -1}),
        ("/top-tracks", {"timeRange": "decade"}),
        ("/top-tracks", {"days": 0}),
        ("/recently-played", {"limit": "many"}),
        ("/summary", {"days": -3}),
        ("/stats/playlist/" + dawn, {}),
        ("/stats/track/not-a-uuid", {}),
    ):
        response = await client.get(f"{PLAY_TRACKING}{path}", params=params, headers=alice.headers)
        assert response.status_code == 400, (path, params)
    response = await client.put(
        f"{PLAY_TRACKING}/playback-state", json={"currentTrackId": dawn}, headers=alice.headers
    )
    assert response.status_code == 400
    assert await stored_event_ids(services) == set()


async def test_every_route_needs_a_token(client: AsyncClient) -> None:
    track = str(uuid.uuid4())
    requests = [
        ("POST", "/play", {"trackId": track, "playContext": "direct"}),
        ("POST", "/skip", {"trackId": track, "playContext": "direct", "completionRate": 0.1}),
        ("GET", "/history", None),
        ("GET", "/top-tracks", None),
        ("GET", "/recently-played", None),
        ("GET", "/summary", None),
        ("GET", f"/stats/track/{track}", None),
        ("PUT", "/playback-state", {"isPlaying": False}),
    ]
    for method, path, body in requests:
        response = await client.request(method, f"{PLAY_TRACKING}{path}", json=body)
        assert response.status_code == 401, (method, path)
        bad = {"Authorization": "Bearer not-a-token"}
        response = await client.request(method, f"{PLAY_TRACKING}{path}", json=body, headers=bad)
        assert response.status_code == 401, (method, path)
