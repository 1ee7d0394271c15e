"""The `lufs-analysis` queue on both storage tiers: fed by scans and at start-up, a file that
cannot be decoded marked failed while the queue goes on, status figures, retry-failed."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from httpx import AsyncClient
from sqlalchemy import select

from echo.bootstrap import Services
from echo.core.pool import IsolatedPool, TaskCrashed, TaskTimedOut
from echo.features.analysis import jobs as analysis_jobs
from echo.features.analysis import service as analysis
from echo.features.analysis.loudness import album_loudness
from echo.features.analysis.models import AlbumLoudness, TrackLoudness
from echo.features.scanner import jobs as scanner_jobs
from echo.features.scanner import service as scanner
from echo.features.scanner.events import NAMESPACE
from echo.features.system_settings import repository as settings_repository
from echo.features.tracks.models import Track
from tests.builders import LoggedIn, create_and_login
from tests.fixtures.audio import encode_clip, tag_file

ALBUM = {"album": "Loud Album", "album_artist": "Meter Band", "artist": "Meter Band"}


@pytest.fixture
def library(library_dir: Path) -> Path:
    for number, (fmt, seconds, frequency) in enumerate(
        [("flac", 3.0, 997.0), ("mp3", 2.0, 997.0), ("ogg", 4.0, 997.0), ("ape", 1.0, 997.0)],
        start=1,
    ):
        path = encode_clip(library_dir / f"{number:02d}.{fmt}", fmt, seconds, frequency)
        tag_file(path, title=f"Song {number}", track_number=str(number), **ALBUM)
    return library_dir


@pytest.fixture
async def admin(services: Services, client: AsyncClient) -> LoggedIn:
    # With Redis the queues are an `echo-music worker`'s work: consume them in this process.
    if services.redis is not None:
        await services.jobs.start_consumers()
    return await create_and_login(services, client, "root", admin=True)


async def scan(services: Services) -> None:
    """The scan job's own path, whose post-scan tasks queue the analysis."""
    started = await scanner.start_scan(services)
    assert (await scanner_jobs.run_reported(services, started.id)).status == "completed"


async def status(client: AsyncClient, admin: LoggedIn) -> dict[str, Any]:
    response = await client.get("/api/scanner/lufs-status", headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_until_idle(
    client: AsyncClient, admin: LoggedIn, within: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        body = await status(client, admin)
        if not body["isRunning"]:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"loudness analysis still running after {within} s: {body}")
        await asyncio.sleep(0.05)


async def last_progress(services: Services) -> dict[str, Any]:
    """The retained lufs:progress once it says idle: the last job sends it just after its
    row is committed, so it can trail the status endpoint by a moment."""
    deadline = time.monotonic() + 10
    while True:
        progress: dict[str, Any] = (await services.broadcaster.retained(NAMESPACE))["lufs:progress"]
        if not progress["isRunning"] or time.monotonic() > deadline:
            return progress
        await asyncio.sleep(0.05)


async def album_when_complete(services: Services, tracks: int) -> AlbumLoudness:
    deadline = time.monotonic() + 10
    while True:
        async with services.sessions() as session:
            albums = (await session.scalars(select(AlbumLoudness))).all()
        if (len(albums) == 1 and albums[0].tracks == tracks) or time.monotonic() > deadline:
            assert [album.tracks for album in albums] == [tracks]
            return albums[0]
        await asyncio.sleep(0.05)


async def rows(services: Services) -> dict[str, TrackLoudness]:
    async with services.sessions() as session:
        result = await session.execute(
            select(Track.path, TrackLoudness).join(
                TrackLoudness, TrackLoudness.track_id == Track.id
            )
        )
        return {Path(path).suffix: row for path, row in result.all()}


async def test_a_scan_feeds_the_queue_and_every_decodable_track_is_measured(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await scan(services)
    body = await wait_until_idle(client, admin)
    measured = await rows(services)
    assert {suffix: row.status for suffix, row in measured.items()} == {
        ".flac": "done", ".mp3": "done", ".ogg": "done", ".ape": "failed",
    }  # fmt: skip
    for suffix in (".flac", ".mp3", ".ogg"):
        row = measured[suffix]
        # 12000/32768 peak 1 kHz sines: −8.7 dBFS is −8.7 LUFS in stereo (accuracy itself
        # is test_loudness_oracle's).
        assert row.integrated_lufs == pytest.approx(-8.73, abs=0.6)  # lossy codecs drift
        assert row.true_peak_db is not None and -9.5 < row.true_peak_db < -8.0
        assert row.analyzed_at is not None and row.sub_blocks
    failed = measured[".ape"]
    assert failed.error and failed.integrated_lufs is None
    assert body["pendingTracks"] == 0
    assert body["processedInSession"] == 4
    assert body["failedTracks"] == 1
    assert body["startedAt"] is not None
    assert body["estimatedTimeRemaining"] is None
    progress = await last_progress(services)
    assert progress == {
        "isRunning": False, "pendingTracks": 0, "processedInSession": 4,
        "estimatedTimeRemaining": None,
    }  # fmt: skip


async def test_album_loudness_is_gated_over_the_measured_tracks_blocks(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await scan(services)
    await wait_until_idle(client, admin)
    measured = await rows(services)
    blocks = [
        np.frombuffer(measured[s].sub_blocks or b"", "<f4") for s in (".flac", ".mp3", ".ogg")
    ]
    # The album is gated by the job of its last track, just after that track's row.
    album = await album_when_complete(services, tracks=3)
    assert album.integrated_lufs == pytest.approx(album_loudness(blocks), abs=1e-6)
    assert album.true_peak_db == max(
        measured[s].true_peak_db or -99 for s in (".flac", ".mp3", ".ogg")
    )


async def test_retry_failed_queues_the_failed_tracks_again(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await scan(services)
    await wait_until_idle(client, admin)
    response = await client.post("/api/scanner/lufs-retry", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json()["retried"] == 1
    body = await wait_until_idle(client, admin)
    assert body["failedTracks"] == 1  # still undecodable
    again = await client.post("/api/scanner/lufs-retry", headers=admin.headers)
    assert again.json()["retried"] == 1


async def test_tracks_without_a_result_are_queued_at_start_up(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    async with services.sessions() as session:
        await settings_repository.put_value(session, analysis.AUTO_ANALYSIS_SETTING, "false")
        await session.commit()
    await scan(services)
    assert await rows(services) == {}  # the admin turned automatic analysis off
    await analysis_jobs.queue_at_start(services)
    await wait_until_idle(client, admin)
    assert len(await rows(services)) == 4


async def test_the_status_is_for_admins_only(
    services: Services, client: AsyncClient, admin: LoggedIn
) -> None:
    user = await create_and_login(services, client, "listener")
    for method, path in [("GET", "/api/scanner/lufs-status"), ("POST", "/api/scanner/lufs-retry")]:
        response = await client.request(method, path, headers=user.headers)
        assert response.status_code == 403, (path, response.text)


async def test_measured_gains_are_served_unless_an_admin_prefers_tags(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    tag_file(library / "01.flac", rg_track_gain=-3.5, rg_track_peak=0.5)
    await scan(services)
    await wait_until_idle(client, admin)
    async with services.sessions() as session:
        track_id = await session.scalar(select(Track.id).where(Track.path.like("%01.flac")))
    measured = (await client.get(f"/api/tracks/{track_id}/loudness", headers=admin.headers)).json()
    assert measured["source"] == "measured"
    assert measured["replayGainTrackGain"] == pytest.approx(-18 + 8.73, abs=0.3)
    assert measured["rgTrackGain"] == pytest.approx(measured["replayGainTrackGain"] + 2, abs=0.011)
    async with services.sessions() as session:
        await settings_repository.put_value(session, analysis.PREFER_TAGS_SETTING, "true")
        await session.commit()
    tagged = (await client.get(f"/api/tracks/{track_id}/loudness", headers=admin.headers)).json()
    assert tagged["source"] == "tags"
    assert tagged["replayGainTrackGain"] == -3.5
    assert tagged["rgTrackGain"] == -1.5


def _crash() -> None:
    os._exit(3)


def _double(value: int) -> int:
    return value * 2


async def test_a_crashing_or_hanging_task_costs_only_its_process_and_the_pool_goes_on() -> None:
    pool = IsolatedPool(2)
    try:
        with pytest.raises(TaskCrashed):
            await pool.run(30, _crash)
        with pytest.raises(TaskTimedOut):
            await pool.run(0.5, time.sleep, 30)
        results = await asyncio.gather(*(pool.run(30, _double, n) for n in range(6)))
        assert results == [0, 2, 4, 6, 8, 10]
        assert pool.workers == 2
    finally:
        pool.close()
