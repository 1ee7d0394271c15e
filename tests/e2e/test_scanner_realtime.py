"""A scan started over REST reports live to a real Socket.IO client: in embedded mode (the job
runs inside serve) and in scale-out mode (an `echo-music worker` runs it; Redis carries events)."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.processes import (
    ECHO_MUSIC,
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    ProcessLogs,
    Server,
    running_server,
    site_env,
)
from tests.e2e.test_realtime import (
    WAIT,
    ScaledSite,
    ScannerClient,
    clients,
    create_users,
    new_client,
    ready_token,
    scaled,
)
from tests.fixtures.library import LibraryManifest, build_library

__all__ = ["clients", "scaled"]  # fixtures used by the tests below


@pytest.fixture
def embedded_library(tmp_path: Path, logs: ProcessLogs) -> Iterator[tuple[Server, LibraryManifest]]:
    """`echo-music serve` on SQLite over the fixture library, which exists before it starts
    (otherwise the watcher's own incremental scan would race the one the test starts)."""
    manifest = build_library(tmp_path / "site" / "music")
    env = site_env(
        tmp_path / "site", ECHO_JWT_SECRET=JWT_SECRET, ECHO_JWT_REFRESH_SECRET=JWT_REFRESH_SECRET
    )
    create_users(env, tmp_path)
    with running_server(logs, tmp_path, env) as server:
        yield server, manifest


@contextmanager
def echo_worker(logs: ProcessLogs, cwd: Path, env: dict[str, str]) -> Iterator[None]:
    with logs.path("worker").open("ab") as log:
        process = subprocess.Popen(
            [str(ECHO_MUSIC), "worker"], env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


async def _start_scan(server: Server, token: str) -> str:
    async with httpx.AsyncClient(base_url=server.url, timeout=WAIT) as http:
        response = await http.post(
            "/api/scanner/start", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 202, response.text
    scan_id: str = response.json()["id"]
    return scan_id


async def _follow_scan(client: ScannerClient, scan_id: str) -> dict[str, Any]:
    completed = [c for c in await client.received("scan:completed") if c["scanId"] == scan_id]
    assert completed, client.events
    progress = [p for p in client.named("scan:progress") if p["scanId"] == scan_id]
    assert progress, "no scan:progress before scan:completed"
    assert progress[-1]["filesScanned"] == progress[-1]["totalFiles"] > 0
    done: dict[str, Any] = completed[0]
    return done


async def test_a_scan_started_over_rest_reports_progress_and_completion_in_embedded_mode(
    embedded_library: tuple[Server, LibraryManifest], clients: list[ScannerClient]
) -> None:
    embedded, manifest = embedded_library
    token = await ready_token(embedded.url, "root")
    client = new_client(clients)
    assert await client.connect(embedded.url, auth={"token": token}), client.refusal

    scan_id = await _start_scan(embedded, token)
    completed = await _follow_scan(client, scan_id)

    assert completed["status"] == "completed"
    assert completed["tracksCreated"] == len(manifest.files)
    assert completed["errors"] == len(manifest.bad_files)
    errors = [e for e in client.named("scan:error") if e["scanId"] == scan_id]
    assert {e["file"] for e in errors} == {str(path) for path in manifest.bad_files}


async def test_a_scan_run_by_a_worker_process_reaches_a_client_of_another_serve(
    scaled: ScaledSite, clients: list[ScannerClient], logs: ProcessLogs, tmp_path: Path
) -> None:
    manifest = build_library(tmp_path / "a" / "music")
    token = await ready_token(scaled.servers[0].url, "root")
    client = new_client(clients)
    assert await client.connect(scaled.servers[1].url, auth={"token": token}), client.refusal

    with echo_worker(logs, tmp_path, scaled.env):
        scan_id = await _start_scan(scaled.servers[0], token)
        completed = await _follow_scan(client, scan_id)

    assert completed["status"] == "completed"
    assert completed["tracksCreated"] == len(manifest.files)
