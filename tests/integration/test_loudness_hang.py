"""A file that hangs the decoder (here a named pipe no one writes to) is marked failed once the
time limit passes, its process is replaced, and the rest of the queue is measured; for the
loudness and the DJ analysis, which share the pool."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from echo.bootstrap import Services
from echo.features.analysis import dj_service
from echo.features.analysis import jobs as analysis_jobs
from echo.features.analysis import service as analysis
from echo.features.analysis.models import DjAnalysis, TrackLoudness
from echo.features.system_settings import repository as settings_repository
from echo.features.tracks.models import Track
from echo.settings import Settings
from tests.builders import LoggedIn, create_and_login
from tests.conftest import make_settings
from tests.fixtures.audio import encode_clip
from tests.integration.test_dj_jobs import wait_until_idle as wait_until_dj_idle
from tests.integration.test_loudness_jobs import scan, wait_until_idle

LIMIT_SECONDS = 3.0
# A fresh analysis process spends seconds importing essentia before its first DJ analysis.
DJ_LIMIT_SECONDS = 20.0


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    return make_settings(
        backend, database_urls, tmp_path, library_dir,
        lufs_timeout_seconds=LIMIT_SECONDS, dj_timeout_seconds=DJ_LIMIT_SECONDS,
        lufs_concurrency=1, dj_concurrency=1,
    )  # fmt: skip


@pytest.fixture
async def admin(services: Services, client: AsyncClient) -> LoggedIn:
    if services.redis is not None:
        await services.jobs.start_consumers()
    return await create_and_login(services, client, "root", admin=True)


async def test_a_hanging_file_is_failed_after_the_time_limit_and_the_queue_goes_on(
    services: Services, client: AsyncClient, admin: LoggedIn, library_dir: Path
) -> None:
    for name in ("a.flac", "b.flac", "c.flac"):
        encode_clip(library_dir / name, "flac", 2.0, 997.0)
    async with services.sessions() as session:
        await settings_repository.put_value(session, analysis.AUTO_ANALYSIS_SETTING, "false")
        await settings_repository.put_value(session, dj_service.AUTO_ANALYSIS_SETTING, "false")
        await session.commit()
    await scan(services)
    # Opening a pipe without a writer blocks forever, as a decoder stuck on a bad file would.
    (library_dir / "a.flac").unlink()
    os.mkfifo(library_dir / "a.flac")

    await analysis_jobs.queue_at_start(services)
    body = await wait_until_idle(client, admin, within=60)

    async with services.sessions() as session:
        result = await session.execute(
            select(Track.path, TrackLoudness.status, TrackLoudness.error).join(
                TrackLoudness, TrackLoudness.track_id == Track.id
            )
        )
        outcome = {Path(path).name: (status, error) for path, status, error in result.all()}
    assert outcome == {
        "a.flac": ("failed", f"no result after {LIMIT_SECONDS:g} s"),
        "b.flac": ("done", None),
        "c.flac": ("done", None),
    }
    assert body["failedTracks"] == 1

    dj = await wait_until_dj_idle(client, admin, within=120)
    async with services.sessions() as session:
        result = await session.execute(
            select(Track.path, DjAnalysis.status, DjAnalysis.error).join(
                DjAnalysis, DjAnalysis.track_id == Track.id
            )
        )
        analysed = {Path(path).name: (status, error) for path, status, error in result.all()}
    assert analysed["a.flac"] == ("failed", f"no result after {DJ_LIMIT_SECONDS:g} s")
    # Two-second sines: decoded and given an energy, but with neither tempo nor key.
    for name in ("b.flac", "c.flac"):
        status, error = analysed[name]
        assert status == "failed" and error and error.startswith(dj_service.NOTHING_FOUND)
    assert dj["failedTracks"] == 3
    assert services.analysis_pool.workers == 1
