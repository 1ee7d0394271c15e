"""The `dj-analysis` queue on both storage tiers, on synthesised music encoded to real files:
fed by scans and at start-up, an undecodable file failed with its reason while the queue goes
on, tag precedence, status/retry/stop, `GET /tracks/{id}/dj` and the DJ shuffle."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from httpx import AsyncClient
from sqlalchemy import select, update

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.features.analysis import dj_service
from echo.features.analysis import jobs as analysis_jobs
from echo.features.analysis import service as loudness_service
from echo.features.analysis.dj import camelot
from echo.features.analysis.models import DjAnalysis
from echo.features.analysis.scoring import TrackFeatures, dj_shuffle
from echo.features.scanner.events import NAMESPACE
from echo.features.system_settings import repository as settings_repository
from echo.features.tracks.models import Track
from echo.settings import Settings
from tests.builders import LoggedIn, create_and_login
from tests.conftest import make_settings
from tests.fixtures.audio import encode_clip, tag_file
from tests.fixtures.music import RATE, chord_progression, drum_track, encode
from tests.integration.test_loudness_jobs import last_progress as last_loudness_progress
from tests.integration.test_loudness_jobs import scan

ALBUM = {"album": "Mix Tape", "album_artist": "Groove Unit", "artist": "Groove Unit"}


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    # One analysis process whatever the machine, so the stop test can hold it busy.
    return make_settings(
        backend, database_urls, tmp_path, library_dir, lufs_concurrency=1, dj_concurrency=1
    )


@pytest.fixture
def library(library_dir: Path) -> Path:
    """Drums at 128 BPM, A minor chords, drums at 90 BPM tagged 124 BPM in F minor, and a
    Monkey's Audio file no decoder can play."""
    drums = drum_track(128, seconds=24)
    encode(library_dir / "01.flac", np.stack([drums, drums]), RATE, "flac")
    chords = chord_progression(9, minor=True)
    encode(library_dir / "02.mp3", np.stack([chords, chords]), RATE, "mp3")
    slow = drum_track(90, seconds=24)
    encode(library_dir / "03.opus", np.stack([slow, slow]), RATE, "opus")
    encode_clip(library_dir / "04.ape", "ape", 1.0)
    for number in range(1, 5):
        path = next(library_dir.glob(f"{number:02d}.*"))
        tag_file(path, title=f"Song {number}", track_number=str(number), **ALBUM)
    tag_file(library_dir / "03.opus", bpm=124.0, initial_key="Fm")
    return library_dir


@pytest.fixture
async def admin(services: Services, client: AsyncClient) -> LoggedIn:
    # With Redis the queues are an `echo-music worker`'s work: consume them in this process.
    if services.redis is not None:
        await services.jobs.start_consumers()
    return await create_and_login(services, client, "root", admin=True)


async def turn_off(services: Services, *settings: str) -> None:
    async with services.sessions() as session:
        for key in settings:
            await settings_repository.put_value(session, key, "false")
        await session.commit()


async def dj_status(client: AsyncClient, admin: LoggedIn) -> dict[str, Any]:
    response = await client.get("/api/scanner/dj-status", headers=admin.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def wait_until_idle(
    client: AsyncClient, admin: LoggedIn, within: float = 120.0
) -> dict[str, Any]:
    deadline = time.monotonic() + within
    while True:
        body = await dj_status(client, admin)
        if not body["isRunning"]:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"DJ analysis still running after {within} s: {body}")
        await asyncio.sleep(0.1)


async def loudness_idle(client: AsyncClient, admin: LoggedIn, within: float = 120.0) -> None:
    deadline = time.monotonic() + within
    while (await client.get("/api/scanner/lufs-status", headers=admin.headers)).json()["isRunning"]:
        if time.monotonic() > deadline:
            pytest.fail(f"loudness analysis still running after {within} s")
        await asyncio.sleep(0.1)


async def last_progress(services: Services) -> dict[str, Any]:
    """The retained dj:progress once it says idle (the last job sends it just after its
    row is committed, so it can trail the status endpoint by a moment)."""
    deadline = time.monotonic() + 10
    while True:
        progress: dict[str, Any] = (await services.broadcaster.retained(NAMESPACE))["dj:progress"]
        if not progress["isRunning"] or time.monotonic() > deadline:
            return progress
        await asyncio.sleep(0.05)


async def track_ids(services: Services) -> dict[str, uuid.UUID]:
    async with services.sessions() as session:
        rows = await session.execute(select(Track.path, Track.id))
        return {Path(path).name: track_id for path, track_id in rows.all()}


async def rows(services: Services) -> dict[str, DjAnalysis]:
    async with services.sessions() as session:
        result = await session.execute(
            select(Track.path, DjAnalysis).join(DjAnalysis, DjAnalysis.track_id == Track.id)
        )
        return {Path(path).name: row for path, row in result.all()}


async def test_a_scan_feeds_the_queue_and_tempo_key_and_energy_are_found(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(services, loudness_service.AUTO_ANALYSIS_SETTING)
    await scan(services)
    body = await wait_until_idle(client, admin)

    found = await rows(services)
    assert {name: row.status for name, row in found.items()} == {
        "01.flac": "completed", "02.mp3": "completed", "03.opus": "completed",
        "04.ape": "failed",
    }  # fmt: skip
    drums = found["01.flac"]
    assert drums.bpm == pytest.approx(128, abs=0.5)
    assert drums.detected_bpm == drums.bpm
    chords = found["02.mp3"]
    assert (chords.key, chords.camelot_key, chords.detected_key) == ("Am", "8A", "Am")
    # Tags win over what was detected; the detected values are kept beside them.
    tagged = found["03.opus"]
    assert (tagged.bpm, tagged.key, tagged.camelot_key) == (124.0, "Fm", "4A")
    assert tagged.detected_bpm == pytest.approx(90, abs=0.5)
    for row in (drums, chords, tagged):
        assert row.raw_energy is not None and 0 <= row.raw_energy <= 1
        assert row.energy is not None and 0 < row.energy < 1
        assert row.danceability is not None and 0 <= row.danceability <= 1
        assert row.analyzed_at is not None and row.error is None
    # Fewer than 20 analyses: the spec's fixed sigmoid around 0.5.
    assert drums.energy == pytest.approx(1 / (1 + np.exp(-12 * (drums.raw_energy - 0.5))))
    broken = found["04.ape"]
    assert broken.error and broken.bpm is None and broken.energy is None

    assert body["pendingTracks"] == 0
    assert body["processedInSession"] == 4
    assert body["failedTracks"] == 1
    assert body["startedAt"] is not None
    assert body["estimatedTimeRemaining"] is None
    assert body["concurrency"] == 1
    assert body["analyzerBackend"] == "essentia"
    assert body["stopped"] is False
    assert await last_progress(services) == {
        "isRunning": False, "pendingTracks": 0, "processedInSession": 4,
        "estimatedTimeRemaining": None,
    }  # fmt: skip


async def test_track_dj_shows_the_analysis_with_its_camelot_colour_or_null(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    await scan(services)
    ids = await track_ids(services)
    before = await client.get(f"/api/tracks/{ids['02.mp3']}/dj", headers=admin.headers)
    assert before.status_code == 200
    assert before.json() is None  # no analysis row yet

    await analysis_jobs.queue_at_start(services)
    await wait_until_idle(client, admin)
    response = await client.get(f"/api/tracks/{ids['02.mp3']}/dj", headers=admin.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    colour = camelot("Am")[1]
    assert body["status"] == "completed"
    assert (body["key"], body["camelotKey"]) == ("Am", "8A")
    assert body["camelotColor"] == {"bg": colour.bg, "text": colour.text, "name": colour.name}
    assert 0 < body["energy"] < 1 and 0 <= body["danceability"] <= 1
    assert body["analysisError"] is None and body["analyzedAt"] is not None

    failed = (await client.get(f"/api/tracks/{ids['04.ape']}/dj", headers=admin.headers)).json()
    assert failed["status"] == "failed"
    assert failed["analysisError"]
    assert failed["camelotColor"] is None

    missing = await client.get(f"/api/tracks/{uuid.uuid4()}/dj", headers=admin.headers)
    assert missing.status_code == 404
    anonymous = await client.get(f"/api/tracks/{ids['02.mp3']}/dj")
    assert anonymous.status_code == 401


async def test_track_payloads_carry_the_analyses_once_they_are_done(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    await scan(services)
    ids = await track_ids(services)
    url = f"/api/tracks/{ids['01.flac']}"
    # Read (and cached) before any analysis: tags only.
    early = (await client.get(url, headers=admin.headers)).json()
    assert (early["bpm"], early["energy"], early["rgTrackGain"]) == (None, None, None)
    tagged = (await client.get(f"/api/tracks/{ids['03.opus']}", headers=admin.headers)).json()
    assert (tagged["bpm"], tagged["key"], tagged["camelotKey"]) == (124.0, "Fm", "4A")
    album_id = early["albumId"]
    album_url = f"/api/albums/{album_id}/tracks?take=10"
    assert (await client.get(album_url, headers=admin.headers)).json()["data"][0]["bpm"] is None

    await analysis_jobs.queue_at_start(services)
    await wait_until_idle(client, admin)
    await loudness_idle(client, admin)
    # The last jobs drop the cached payloads just after their rows, then send idle progress.
    assert not (await last_progress(services))["isRunning"]
    assert not (await last_loudness_progress(services))["isRunning"]

    track = (await client.get(url, headers=admin.headers)).json()
    assert track["bpm"] == pytest.approx(128, abs=0.5)
    assert track["camelotKey"] == (camelot(track["key"])[0] if track["key"] else None)
    assert 0 < track["energy"] < 1 and 0 <= track["danceability"] <= 1
    loudness = (await client.get(f"{url}/loudness", headers=admin.headers)).json()
    for field in (
        "rgTrackGain", "rgTrackPeak", "rgAlbumGain", "rgAlbumPeak", "replayGainTrackGain",
        "replayGainTrackPeak", "replayGainAlbumGain", "replayGainAlbumPeak",
    ):  # fmt: skip
        assert track[field] is not None and track[field] == loudness[field], field
    assert track["rgTrackGain"] == pytest.approx(track["replayGainTrackGain"] + 2, abs=0.011)
    # The album's pages are payloads too.
    pages = (await client.get(album_url, headers=admin.headers)).json()["data"]
    first = next(item for item in pages if item["id"] == str(ids["01.flac"]))
    assert first["bpm"] == track["bpm"] and first["energy"] == track["energy"]
    assert first["rgAlbumGain"] == track["rgAlbumGain"]


async def test_retry_queues_the_failed_tracks_again(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(services, loudness_service.AUTO_ANALYSIS_SETTING)
    await scan(services)
    await wait_until_idle(client, admin)
    response = await client.post("/api/scanner/dj-retry", headers=admin.headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"retried": 1, "message": "1 tracks queued for DJ analysis"}
    body = await wait_until_idle(client, admin)
    assert body["failedTracks"] == 1  # still undecodable
    assert (await rows(services))["04.ape"].status == "failed"


async def test_stop_drops_the_queue_and_fails_what_was_still_pending(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    await scan(services)
    # The one analysis process is busy: the first DJ job waits for it with its track
    # `analyzing`, the others wait in the queue.
    blocker = asyncio.create_task(services.analysis_pool.run(60, time.sleep, 3))
    try:
        await dj_service.queue_pending(services)
        deadline = time.monotonic() + 30
        while not any(row.status == "analyzing" for row in (await rows(services)).values()):
            assert time.monotonic() < deadline, "no track went into analysis"
            await asyncio.sleep(0.05)

        response = await client.post("/api/scanner/dj-stop", headers=admin.headers)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "success": True, "message": "DJ analysis stopped; 3 pending tracks marked failed",
        }  # fmt: skip
        stopped = await dj_status(client, admin)
        assert stopped["stopped"] is True
        assert stopped["pendingTracks"] == 1  # the one being analysed finishes
    finally:
        await blocker
    body = await wait_until_idle(client, admin)
    outcome = {name: (row.status, row.error) for name, row in (await rows(services)).items()}
    statuses = sorted(status for status, _ in outcome.values())
    assert statuses == ["completed", "failed", "failed", "failed"] or (
        statuses == ["failed"] * 4 and outcome["04.ape"][1] != "Stopped by user"
    )
    assert sum(error == "Stopped by user" for _, error in outcome.values()) == 3
    assert body["failedTracks"] == sum(status == "failed" for status in statuses)
    # Nothing was left in the queue to run, and the status does not restart it.
    await asyncio.sleep(0.5)
    assert (await dj_status(client, admin))["pendingTracks"] == 0

    retried = await client.post("/api/scanner/dj-retry", headers=admin.headers)
    assert retried.json()["retried"] == sum(status == "failed" for status in statuses)
    await wait_until_idle(client, admin)
    final = {name: row.status for name, row in (await rows(services)).items()}
    assert final == {
        "01.flac": "completed", "02.mp3": "completed", "03.opus": "completed",
        "04.ape": "failed",
    }  # fmt: skip
    assert (await dj_status(client, admin))["stopped"] is False


async def test_the_status_restarts_pending_work_left_without_a_job(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    await scan(services)
    # Rows pending with no job queued, and one left `analyzing` by a process that died.
    pending = await dj_service.pending_tracks(services)
    async with services.sessions() as session:
        await session.execute(
            update(DjAnalysis)
            .where(DjAnalysis.track_id == pending[0])
            .values(status="analyzing", updated_at=utcnow() - dj_service.STUCK_AFTER * 2)
        )
        await session.commit()
    await wait_until_idle(client, admin)
    assert sorted(row.status for row in (await rows(services)).values()) == [
        "completed", "completed", "completed", "failed",
    ]  # fmt: skip


async def test_the_dj_routes_are_for_admins_and_the_track_routes_for_users(
    services: Services, client: AsyncClient, admin: LoggedIn
) -> None:
    user = await create_and_login(services, client, "listener")
    for method, path in [
        ("GET", "/api/scanner/dj-status"),
        ("POST", "/api/scanner/dj-retry"),
        ("POST", "/api/scanner/dj-stop"),
    ]:
        response = await client.request(method, path, headers=user.headers)
        assert response.status_code == 403, (path, response.text)
    shuffled = await client.get("/api/tracks/shuffle/dj", headers=user.headers)
    assert shuffled.status_code == 200
    assert shuffled.json()["data"] == [] and shuffled.json()["djMode"] is False
    assert (await client.get("/api/tracks/shuffle/dj")).status_code == 401
    huge = await client.get("/api/tracks/shuffle/dj?seed=1e300", headers=user.headers)
    assert huge.status_code == 400


async def shuffled(
    client: AsyncClient, admin: LoggedIn, path: str, seed: float, skip: int, take: int
) -> dict[str, Any]:
    response = await client.get(
        path, params={"seed": seed, "skip": skip, "take": take}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_dj_shuffle_chains_the_analysed_pool_and_falls_back_below_half(
    services: Services, client: AsyncClient, admin: LoggedIn, library: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    await scan(services)
    seed = 0.4242
    regular = await shuffled(client, admin, "/api/tracks/shuffle", seed, 0, 100)
    order = [item["id"] for item in regular["data"]]

    # Nothing analysed: the regular seeded shuffle.
    before = await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 0, 2)
    assert before["djMode"] is False
    assert [item["id"] for item in before["data"]] == order[:2]
    assert (before["seed"], before["total"], before["hasMore"]) == (seed, 4, True)

    await analysis_jobs.queue_at_start(services)
    await wait_until_idle(client, admin)
    features: dict[str, TrackFeatures | None] = {}
    for track_id in order:
        dj = (await client.get(f"/api/tracks/{track_id}/dj", headers=admin.headers)).json()
        features[track_id] = (
            TrackFeatures(dj["bpm"], dj["camelotKey"], dj["energy"], dj["danceability"])
            if dj["status"] == "completed"
            else None
        )
    # 3 of the 4 tracks (the pool is 3 × take, the whole library) analysed.
    page = await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 0, 3)
    expected = dj_shuffle([(track_id, features[track_id]) for track_id in order], seed, 3)
    assert page["djMode"] is True
    assert [item["id"] for item in page["data"]] == expected.track_ids
    assert page == await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 0, 3)
    other = await shuffled(client, admin, "/api/tracks/shuffle/dj", 0.9, 0, 4)
    assert sorted(item["id"] for item in other["data"]) == sorted(order)
    # Payloads as the other track routes give them.
    first = page["data"][0]
    assert first == (await client.get(f"/api/tracks/{first['id']}", headers=admin.headers)).json()
    # Next pages are the regular shuffle.
    later = await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 2, 2)
    assert later["djMode"] is False
    assert [item["id"] for item in later["data"]] == order[2:4]

    # Exactly half analysed is enough; less is not.
    analysed = [track_id for track_id in order if features[track_id] is not None]
    async with services.sessions() as session:
        await session.execute(
            update(DjAnalysis)
            .where(DjAnalysis.track_id == uuid.UUID(analysed[0]))
            .values(status="failed")
        )
        await session.commit()
    assert (await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 0, 2))["djMode"]
    async with services.sessions() as session:
        await session.execute(
            update(DjAnalysis)
            .where(DjAnalysis.track_id == uuid.UUID(analysed[1]))
            .values(status="failed")
        )
        await session.commit()
    fallback = await shuffled(client, admin, "/api/tracks/shuffle/dj", seed, 0, 2)
    assert fallback["djMode"] is False
    assert [item["id"] for item in fallback["data"]] == order[:2]


def sigmoid(raw: float, midpoint: float) -> float:
    return float(1 / (1 + np.exp(-12 * (raw - midpoint))))


async def test_when_a_run_ends_every_energy_is_recalibrated_around_the_library_median(
    services: Services, client: AsyncClient, admin: LoggedIn, library_dir: Path
) -> None:
    await turn_off(
        services, loudness_service.AUTO_ANALYSIS_SETTING, dj_service.AUTO_ANALYSIS_SETTING
    )
    for number in range(24):
        path = encode_clip(library_dir / f"clip{number:02d}.flac", "flac", 1.0)
        tag_file(path, title=f"Clip {number}", **ALBUM)
    drums = drum_track(128, seconds=24)
    encode(library_dir / "drums.flac", np.stack([drums, drums]), RATE, "flac")
    await scan(services)
    ids = await track_ids(services)
    # 24 analyses done before, with raw energies spread over 0.2–0.66 and the fixed sigmoid.
    raws = {name: 0.2 + 0.02 * number for number, name in enumerate(sorted(ids)) if "clip" in name}
    async with services.sessions() as session:
        for name, raw in raws.items():
            session.add(
                DjAnalysis(
                    track_id=ids[name], status="completed", bpm=120.0, key="Am",
                    camelot_key="8A", raw_energy=raw, energy=sigmoid(raw, 0.5),
                    danceability=0.5, analyzed_at=utcnow(),
                )
            )  # fmt: skip
        await session.commit()
    assert await dj_service.library_midpoint(services) == pytest.approx(0.43)
    url = f"/api/tracks/{ids['clip23.flac']}"
    assert (await client.get(url, headers=admin.headers)).json()["energy"] == sigmoid(0.66, 0.5)

    await dj_service.queue_pending(services)  # the drums track, the last of the run
    await wait_until_idle(client, admin)
    # The last job recalibrates just after its row, then sends the idle dj:progress.
    assert not (await last_progress(services))["isRunning"]

    found = await rows(services)
    assert len(found) == 25 and {row.status for row in found.values()} == {"completed"}
    middle = float(np.median([row.raw_energy for row in found.values()]))
    for name, row in found.items():
        assert row.raw_energy is not None and row.energy is not None
        assert row.energy == pytest.approx(sigmoid(row.raw_energy, middle), abs=1e-3), name
    assert await dj_service.library_midpoint(services) == pytest.approx(middle)
    # Spread over the whole range, where the fixed sigmoid kept them low.
    energies = sorted(row.energy for row in found.values() if row.energy is not None)
    assert energies[0] < 0.1 and energies[-1] > 0.9
    # The payload cached before the run shows the recalibrated energy.
    clip = (await client.get(url, headers=admin.headers)).json()
    assert clip["energy"] == found["clip23.flac"].energy != sigmoid(0.66, 0.5)
