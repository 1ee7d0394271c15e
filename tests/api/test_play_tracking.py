"""Play tracking (/api/play-tracking) on both storage tiers, on a library scanned for real."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.play_tracking import cache as play_cache
from echo.features.play_tracking.jobs import RETENTION_QUEUE, daily_retention
from echo.features.play_tracking.models import PlaybackState, PlayEvent, UserPlayStats
from echo.features.play_tracking.schemas import CONTEXT_WEIGHTS
from echo.features.play_tracking.service import trim_play_history
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.listening import Library, scanned_library

API = "/api/play-tracking"


@pytest.fixture
async def library(services: Services, library_dir: Path) -> Library:
    return await scanned_library(services, library_dir)


@pytest.fixture
async def alice(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "alice")


@pytest.fixture
async def bob(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "bob")


async def play(
    client: AsyncClient,
    user: LoggedIn,
    track_id: str,
    context: str = "direct",
    rate: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {"trackId": track_id, "playContext": context, **extra}
    if rate is not None:
        body["completionRate"] = rate
    response = await client.post(f"{API}/play", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def skip(
    client: AsyncClient, user: LoggedIn, track_id: str, rate: float, context: str = "direct"
) -> dict[str, Any]:
    body = {"trackId": track_id, "playContext": context, "completionRate": rate}
    response = await client.post(f"{API}/skip", json=body, headers=user.headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def get(client: AsyncClient, user: LoggedIn, path: str, **params: Any) -> Any:
    response = await client.get(f"{API}{path}", params=params, headers=user.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def stats(client: AsyncClient, user: LoggedIn, item_type: str, item_id: str) -> Any:
    return await get(client, user, f"/stats/{item_type}/{item_id}")


async def backdate(services: Services, event_id: str, days: float) -> None:
    async with services.sessions() as session:
        await session.execute(
            update(PlayEvent)
            .where(PlayEvent.id == uuid.UUID(event_id))
            .values(played_at=utcnow() - timedelta(days=days))
        )
        await session.commit()


async def stored_event_ids(services: Services) -> set[str]:
    async with services.sessions() as session:
        return {str(event_id) for event_id in await session.scalars(select(PlayEvent.id))}


async def test_a_play_returns_the_recorded_event_with_its_client_and_source(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    agent = "EchoPlayer/1.0 " + "x" * 400
    response = await client.post(
        f"{API}/play",
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


async def test_history_is_newest_first_and_pages_without_repeats(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    posted = [await play(client, alice, library.track(t)) for t in ("Dawn", "Noon", "Dusk")]
    posted += [await skip(client, alice, library.track("Solo"), 0.1)]
    posted += [await play(client, alice, library.track("Dawn"), "album", 0.6)]
    newest_first = [event["id"] for event in reversed(posted)]
    assert [e["id"] for e in await get(client, alice, "/history")] == newest_first
    pages = [await get(client, alice, "/history", limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [len(page) for page in pages] == [2, 2, 1, 0]
    assert [event["id"] for page in pages for event in page] == newest_first


async def test_top_tracks_rank_by_weighted_plays_with_play_count_breaking_ties(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    await play(client, alice, library.track("Dawn"), "direct")  # 1.0
    for _ in range(3):
        await play(client, alice, library.track("Noon"), "shuffle")  # 3 × 0.2 = 0.6
    await play(client, alice, library.track("Dusk"), "album")  # 0.6 in one play
    await skip(client, alice, library.track("Solo"), 0.2)  # a skip is no top track
    top = await get(client, alice, "/top-tracks")
    assert [(t["track"]["title"], t["playCount"]) for t in top] == [
        ("Dawn", 1), ("Noon", 3), ("Dusk", 1),
    ]  # fmt: skip
    assert [t["weightedPlayCount"] for t in top] == pytest.approx([1.0, 0.6, 0.6])
    noon = top[1]
    assert noon["trackId"] == library.track("Noon")
    assert noon["track"]["artistName"] == "Alpha feat. Beta"
    assert noon["track"]["artistId"] == library.artist("Alpha")
    assert noon["track"]["albumName"] == "First Light"
    assert noon["track"]["albumId"] == library.album("First Light")
    assert noon["track"]["duration"] == pytest.approx(1.0, abs=0.1)
    assert [t["trackId"] for t in await get(client, alice, "/top-tracks", limit=1)] == [
        library.track("Dawn")
    ]


async def test_top_tracks_of_a_time_range_count_only_the_plays_inside_it(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    old = await play(client, alice, library.track("Dawn"), "direct")
    await play(client, alice, library.track("Dawn"), "direct")
    await play(client, alice, library.track("Noon"), "playlist")
    await play(client, alice, library.track("Noon"), "playlist")
    await backdate(services, old["id"], days=10)

    def ranking(top: list[dict[str, Any]]) -> list[tuple[str, int, float]]:
        return [
            (t["track"]["title"], t["playCount"], round(t["weightedPlayCount"], 6)) for t in top
        ]

    everything = [("Dawn", 2, 2.0), ("Noon", 2, 1.6)]
    assert ranking(await get(client, alice, "/top-tracks")) == everything
    assert ranking(await get(client, alice, "/top-tracks", timeRange="all")) == everything
    assert ranking(await get(client, alice, "/top-tracks", timeRange="month")) == everything
    last_week = [("Noon", 2, 1.6), ("Dawn", 1, 1.0)]
    assert ranking(await get(client, alice, "/top-tracks", timeRange="week")) == last_week
    assert ranking(await get(client, alice, "/top-tracks", days=5)) == last_week
    # `days` wins over `timeRange`.
    assert ranking(await get(client, alice, "/top-tracks", days=30, timeRange="week")) == everything


async def test_recently_played_lists_each_track_once_most_recent_first(
    client: AsyncClient, alice: LoggedIn, library: Library
) -> None:
    for title in ("Dawn", "Noon", "Dusk", "Dawn"):
        await play(client, alice, library.track(title))
    await skip(client, alice, library.track("Solo"), 0.1)
    expected = [library.track(title) for title in ("Solo", "Dawn", "Dusk", "Noon")]
    assert await get(client, alice, "/recently-played") == expected
    assert await get(client, alice, "/recently-played", limit=2) == expected[:2]


async def test_the_summary_counts_plays_skips_completion_and_contexts_of_the_period(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    await play(client, alice, library.track("Dawn"), "direct", 1.0)
    await play(client, alice, library.track("Noon"), "direct", 0.8)
    await play(client, alice, library.track("Dusk"), "shuffle", 0.2)
    await skip(client, alice, library.track("Solo"), 0.1, context="album")
    old = await play(client, alice, library.track("Dawn"), "radio", 1.0)
    await backdate(services, old["id"], days=40)
    summary = await get(client, alice, "/summary")
    assert summary["totalPlays"] == 4
    assert summary["totalSkips"] == 2
    assert summary["avgCompletionRate"] == pytest.approx((1.0 + 0.8 + 0.2 + 0.1) / 4)
    assert summary["topContext"] == "direct"
    assert summary["playsByContext"] == {"album": 1, "direct": 2, "shuffle": 1}
    recent = summary["recentPlays"]
    assert [event["trackId"] for event in recent] == [
        library.track(title) for title in ("Solo", "Dusk", "Noon", "Dawn")
    ]
    longer = await get(client, alice, "/summary", days=60)
    assert (longer["totalPlays"], longer["playsByContext"]["radio"]) == (5, 1)
    assert len(longer["recentPlays"]) == 5


async def test_the_summary_of_a_user_who_played_nothing_is_zero(
    client: AsyncClient, alice: LoggedIn
) -> None:
    assert await get(client, alice, "/summary") == {
        "totalPlays": 0, "totalSkips": 0, "avgCompletionRate": 0.0, "topContext": None,
        "playsByContext": {}, "recentPlays": [],
    }  # fmt: skip


async def test_playback_state_is_one_row_per_user_updated_in_place(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    url = f"{API}/playback-state"
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


async def test_plays_history_and_figures_belong_to_their_user_only(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, library: Library
) -> None:
    dawn = library.track("Dawn")
    await play(client, alice, dawn)
    await play(client, alice, dawn)
    await play(client, bob, library.track("Dusk"))
    assert {e["trackId"] for e in await get(client, bob, "/history")} == {library.track("Dusk")}
    assert [t["trackId"] for t in await get(client, bob, "/top-tracks")] == [library.track("Dusk")]
    assert await get(client, bob, "/recently-played") == [library.track("Dusk")]
    assert (await get(client, bob, "/summary"))["totalPlays"] == 1
    seen_by_bob = await stats(client, bob, "track", dawn)
    assert (seen_by_bob["playCount"], seen_by_bob["lastPlayedAt"]) == (0, None)
    assert (seen_by_bob["totalPlayCount"], seen_by_bob["listenerCount"]) == (2, 1)
    await play(client, bob, dawn)
    seen_by_alice = await stats(client, alice, "track", dawn)
    assert (seen_by_alice["playCount"], seen_by_alice["totalPlayCount"]) == (2, 3)
    assert seen_by_alice["listenerCount"] == 2


async def test_a_user_who_must_change_the_password_can_still_record_and_read_plays(
    client: AsyncClient, services: Services, library: Library
) -> None:
    carol = await create_and_login(services, client, "carol", must_change_password=True)
    assert (await client.get("/api/users/privacy", headers=carol.headers)).status_code == 403
    await play(client, carol, library.track("Dawn"))
    await skip(client, carol, library.track("Noon"), 0.1)
    state = {"isPlaying": True, "currentTrackId": library.track("Dawn")}
    response = await client.put(f"{API}/playback-state", json=state, headers=carol.headers)
    assert response.status_code == 204
    assert len(await get(client, carol, "/history")) == 2
    assert (await get(client, carol, "/summary"))["totalSkips"] == 1


async def test_reads_are_cached_and_a_new_play_drops_the_users_cached_figures(
    client: AsyncClient, alice: LoggedIn, bob: LoggedIn, library: Library, services: Services
) -> None:
    await play(client, alice, library.track("Dawn"))
    await play(client, bob, library.track("Dusk"))
    await get(client, alice, "/recently-played")
    await get(client, bob, "/recently-played")
    alice_key = play_cache.recent_key(uuid.UUID(alice.user_id), 20)
    bob_key = play_cache.recent_key(uuid.UUID(bob.user_id), 20)
    assert await services.cache.get(alice_key) == [library.track("Dawn")]
    # A stale cache entry is what a read returns until a play of that user drops it.
    await services.cache.set(alice_key, [library.track("Noon")], 60)
    assert await get(client, alice, "/recently-played") == [library.track("Noon")]
    await play(client, alice, library.track("Dusk"))
    assert await services.cache.get(alice_key) is None
    assert await services.cache.get(bob_key) == [library.track("Dusk")]
    assert await get(client, alice, "/recently-played") == [
        library.track("Dusk"), library.track("Dawn"),
    ]  # fmt: skip


async def test_retention_deletes_only_plays_older_than_the_setting_and_keeps_the_counts(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    assert services.settings.play_history_days == 180
    old = await play(client, alice, library.track("Dawn"))
    recent = await play(client, alice, library.track("Dawn"))
    fresh = await play(client, alice, library.track("Noon"))
    await backdate(services, old["id"], days=181)
    await backdate(services, recent["id"], days=179)
    await trim_play_history(services)
    assert await stored_event_ids(services) == {recent["id"], fresh["id"]}
    assert await trim_play_history(services) == 0
    assert (await stats(client, alice, "track", library.track("Dawn")))["playCount"] == 2


async def test_the_daily_retention_schedule_runs_the_job_through_the_queue(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    old = await play(client, alice, library.track("Dawn"))
    kept = await play(client, alice, library.track("Noon"))
    await backdate(services, old["id"], days=200)
    # Consumers run inside serve without Redis; with Redis a worker runs them, here the test.
    await services.jobs.start_consumers()
    async with daily_retention(services):
        deadline = time.monotonic() + 20
        while await stored_event_ids(services) != {kept["id"]}:
            assert time.monotonic() < deadline, "the retention job did not run"
            await asyncio.sleep(0.1)
    assert any(stats.name == RETENTION_QUEUE for stats in await services.jobs.stats())


async def test_unknown_tracks_and_items_are_404(
    client: AsyncClient, alice: LoggedIn, library: Library, services: Services
) -> None:
    unknown = str(uuid.uuid4())
    for path, body in (
        ("/play", {"trackId": unknown, "playContext": "direct"}),
        ("/skip", {"trackId": unknown, "playContext": "direct", "completionRate": 0.1}),
    ):
        response = await client.post(f"{API}{path}", json=body, headers=alice.headers)
        assert response.status_code == 404, path
        assert response.json()["message"] == "Track not found"
    state = {"isPlaying": True, "currentTrackId": unknown}
    response = await client.put(f"{API}/playback-state", json=state, headers=alice.headers)
    assert response.status_code == 404
    for item_type in ("track", "album", "artist"):
        response = await client.get(f"{API}/stats/{item_type}/{unknown}", headers=alice.headers)
        assert response.status_code == 404, item_type
    # An album id is no track.
    response = await client.get(
        f"{API}/stats/track/{library.album('First Light')}", headers=alice.headers
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
        response = await client.post(f"{API}{path}", json=body, headers=alice.headers)
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
        response = await client.get(f"{API}{path}", params=params, headers=alice.headers)
        assert response.status_code == 400, (path, params)
    response = await client.put(
        f"{API}/playback-state", json={"currentTrackId": dawn}, headers=alice.headers
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
        response = await client.request(method, f"{API}{path}", json=body)
        assert response.status_code == 401, (method, path)
        bad = {"Authorization": "Bearer not-a-token"}
        response = await client.request(method, f"{API}{path}", json=body, headers=bad)
        assert response.status_code == 401, (method, path)
