"""Reading plays back (/api/play-tracking) on both storage tiers: history, top tracks,
recently played, the summary, each user's own figures, the cache, and history retention."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from echo.bootstrap import Services
from echo.features.play_tracking import cache as play_cache
from echo.features.play_tracking.jobs import RETENTION_QUEUE, daily_retention
from echo.features.play_tracking.service import trim_play_history
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.listening import (
    Library,
    backdate,
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


@pytest.fixture
async def alice(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "alice")


@pytest.fixture
async def bob(client: AsyncClient, services: Services) -> LoggedIn:
    return await create_and_login(services, client, "bob")


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
