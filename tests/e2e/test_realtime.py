"""Socket.IO end to end: a real python-socketio client over websocket against real servers, in
embedded mode and in scale-out mode (PostgreSQL + Redis, two `serve` and a worker process)."""

from __future__ import annotations

import asyncio
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
import redis
import socketio
import uvicorn

from echo.app import create_asgi_app
from echo.bootstrap import Services
from echo.core.jobs import RedisJobQueue
from echo.core.realtime import Broadcaster, ProgressThrottle
from echo.features.scanner.realtime import NAMESPACE, scan_room
from echo.migrations.runner import upgrade
from echo.settings import Settings
from tests import builders
from tests.conftest import REDIS_URL
from tests.e2e.broadcast_worker import QUEUE as BROADCAST_QUEUE
from tests.e2e.processes import (
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    PASSWORD,
    ProcessLogs,
    Server,
    postgres_database,
    run_cli,
    running_server,
    running_servers,
    site_env,
)

NEW_PASSWORD = "An0ther-secret!"
WAIT = 15.0


class ScannerClient:
    """One browser tab on the /scanner namespace: records every event it is sent."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: list[tuple[str, Any]] = []
        self.arrived = asyncio.Event()
        self.refusal: Any = None
        self.sio.on("*", self._event, namespace=NAMESPACE)
        self.sio.on("connect_error", self._refused, namespace=NAMESPACE)

    async def _event(self, event: str, data: Any) -> None:
        self.events.append((event, data))
        self.arrived.set()

    async def _refused(self, data: Any) -> None:
        self.refusal = data

    async def connect(
        self,
        base_url: str,
        *,
        auth: dict[str, str] | None = None,
        query_token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> bool:
        url = f"{base_url}?token={query_token}" if query_token else base_url
        try:
            await self.sio.connect(
                url,
                namespaces=[NAMESPACE],
                transports=["websocket"],
                auth=auth,
                headers=headers or {},
                wait_timeout=WAIT,
            )
        except socketio.exceptions.ConnectionError:
            return False
        return True

    async def call(self, event: str, data: Any) -> Any:
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=WAIT)

    async def received(self, event: str) -> list[Any]:
        """Every `event` so far, waiting until there is at least one."""
        async with asyncio.timeout(WAIT):
            while not (found := [data for name, data in self.events if name == event]):
                self.arrived.clear()
                await self.arrived.wait()
        return found

    def named(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    async def close(self) -> None:
        await self.sio.disconnect()


@pytest.fixture
async def clients() -> AsyncIterator[list[ScannerClient]]:
    """Made with new_client(clients); all disconnected at the end."""
    made: list[ScannerClient] = []
    yield made
    for client in made:
        await client.close()


def new_client(clients: list[ScannerClient]) -> ScannerClient:
    client = ScannerClient()
    clients.append(client)
    return client


async def ready_token(base_url: str, username: str) -> str:
    """Logs in with the temporary password the CLI set and changes it, as a first login does."""
    async with httpx.AsyncClient(base_url=base_url, timeout=WAIT) as http:
        login = await http.post(
            "/api/auth/login", json={"username": username, "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        token: str = login.json()["accessToken"]
        changed = await http.put(
            "/api/users/password",
            json={"newPassword": NEW_PASSWORD},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert changed.status_code == 204, changed.text
    return token


def create_users(env: dict[str, str], cwd: Path) -> None:
    for args in (["user", "create", "root", "--admin"], ["user", "create", "bob"]):
        created = run_cli(args, env, cwd, PASSWORD + "\n")
        assert created.returncode == 0, created.stdout + created.stderr


@pytest.fixture
def embedded(tmp_path: Path, logs: ProcessLogs) -> Iterator[Server]:
    """`echo-music serve` on SQLite without Redis, with the admin root and the user bob."""
    env = site_env(
        tmp_path / "site", ECHO_JWT_SECRET=JWT_SECRET, ECHO_JWT_REFRESH_SECRET=JWT_REFRESH_SECRET
    )
    create_users(env, tmp_path)
    with running_server(logs, tmp_path, env) as server:
        yield server


async def test_an_admin_connects_with_the_token_in_auth_query_or_header_and_subscribes(
    embedded: Server, clients: list[ScannerClient]
) -> None:
    token = await ready_token(embedded.url, "root")
    ways: list[dict[str, Any]] = [
        {"auth": {"token": token}},
        {"query_token": token},
        {"headers": {"Authorization": f"Bearer {token}"}},
    ]
    for way in ways:
        client = new_client(clients)
        assert await client.connect(embedded.url, **way), (way, client.refusal)
        scan_id = str(uuid.uuid4())

        ack = await client.call("scanner:subscribe", {"scanId": scan_id})

        assert ack == {"scanId": scan_id}
        assert await client.received("scanner:subscribed") == [{"scanId": scan_id}]
        assert await client.call("scanner:unsubscribe", {"scanId": scan_id}) == {"scanId": scan_id}


async def test_a_non_admin_a_bad_token_and_no_token_are_refused(
    embedded: Server, clients: list[ScannerClient]
) -> None:
    user_token = await ready_token(embedded.url, "bob")
    cases: list[tuple[dict[str, Any], int, str | None]] = [
        ({"auth": {"token": user_token}}, 403, "Administrator access required"),
        ({"auth": {"token": "not-a-jwt"}}, 401, None),
        ({}, 401, "Authentication required"),
    ]
    for way, status, message in cases:
        client = new_client(clients)
        assert not await client.connect(embedded.url, **way)
        assert client.refusal is not None
        assert client.refusal["data"] == {"statusCode": status}
        if message:
            assert client.refusal["message"] == message


async def test_an_admin_who_must_still_change_the_temporary_password_is_refused(
    embedded: Server, clients: list[ScannerClient]
) -> None:
    async with httpx.AsyncClient(base_url=embedded.url, timeout=WAIT) as http:
        login = await http.post("/api/auth/login", json={"username": "root", "password": PASSWORD})
    client = new_client(clients)

    assert not await client.connect(embedded.url, auth={"token": login.json()["accessToken"]})
    assert client.refusal["data"] == {"statusCode": 403}


async def test_bad_requests_and_controls_of_an_unknown_scan_are_answered_with_an_exception(
    embedded: Server, clients: list[ScannerClient]
) -> None:
    client = new_client(clients)
    assert await client.connect(
        embedded.url, auth={"token": await ready_token(embedded.url, "root")}
    )

    bad = await client.call("scanner:subscribe", {"scanId": "../etc"})
    unknown = await client.call("scanner:pause", {"scanId": str(uuid.uuid4())})

    assert bad["statusCode"] == 400
    assert unknown["statusCode"] == 404
    exceptions = await client.received("exception")
    assert {body["event"] for body in exceptions} == {"scanner:subscribe", "scanner:pause"}
    assert client.named("scanner:paused") == []


async def test_a_client_sending_more_than_ten_events_a_second_is_refused_with_429(
    embedded: Server, clients: list[ScannerClient]
) -> None:
    client = new_client(clients)
    assert await client.connect(
        embedded.url, auth={"token": await ready_token(embedded.url, "root")}
    )
    scan_id = str(uuid.uuid4())

    acks = await asyncio.gather(
        *(client.call("scanner:subscribe", {"scanId": scan_id}) for _ in range(20))
    )

    answered = [ack for ack in acks if ack == {"scanId": scan_id}]
    refused = [ack for ack in acks if ack.get("statusCode") == 429]
    assert 10 <= len(answered) <= 11
    assert len(answered) + len(refused) == 20
    await asyncio.sleep(1.1)
    assert await client.call("scanner:subscribe", {"scanId": scan_id}) == {"scanId": scan_id}


def test_the_worker_refuses_to_start_without_redis_in_one_line(tmp_path: Path) -> None:
    result = run_cli(["worker"], site_env(tmp_path), tmp_path)

    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ECHO_REDIS_URL" in lines[0]


@dataclass
class ScaledSite:
    servers: list[Server]
    env: dict[str, str]
    prefix: str


def _delete_keys(prefix: str) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        patterns = (f"{prefix}*", f"saq:{prefix}*", f"saq:job:{prefix}*")
        keys = [key for pattern in patterns for key in client.scan_iter(match=pattern)]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def scaled(tmp_path: Path, logs: ProcessLogs) -> Iterator[ScaledSite]:
    """Two `serve` processes on one PostgreSQL database and the local Redis."""
    prefix = f"echo-e2e:{uuid.uuid4().hex[:10]}:"
    try:
        with postgres_database() as (_, database_url):
            shared = {
                "ECHO_DATABASE_URL": database_url,
                "ECHO_REDIS_URL": REDIS_URL,
                "ECHO_REDIS_PREFIX": prefix,
                "ECHO_JWT_SECRET": JWT_SECRET,
                "ECHO_JWT_REFRESH_SECRET": JWT_REFRESH_SECRET,
            }
            envs = {name: site_env(tmp_path / name, **shared) for name in ("a", "b")}
            create_users(envs["a"], tmp_path)
            with running_servers(logs, tmp_path, envs) as servers:
                yield ScaledSite([servers["a"], servers["b"]], envs["a"], prefix)
    finally:
        _delete_keys(prefix)


@contextmanager
def running_worker(
    logs: ProcessLogs, cwd: Path, env: dict[str, str]
) -> Iterator[subprocess.Popen[bytes]]:
    """`echo-music worker` with the test-only broadcast job registered as well."""
    with logs.path("worker").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("broadcast_worker.py"))],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


async def test_an_event_published_through_redis_by_another_process_reaches_clients_of_every_serve(
    scaled: ScaledSite, clients: list[ScannerClient]
) -> None:
    token = await ready_token(scaled.servers[0].url, "root")
    scan_id = str(uuid.uuid4())
    watching = []
    for server in scaled.servers:
        client = new_client(clients)
        assert await client.connect(server.url, auth={"token": token}), client.refusal
        await client.call("scanner:subscribe", {"scanId": scan_id})
        watching.append(client)
    elsewhere = new_client(clients)
    assert await elsewhere.connect(scaled.servers[1].url, auth={"token": token})
    await elsewhere.call("scanner:subscribe", {"scanId": str(uuid.uuid4())})
    # This test process is the other process: a write-only Redis manager, as in a worker.
    publisher = Broadcaster.publishing(redis_url=REDIS_URL, prefix=scaled.prefix)
    progress = {"scanId": scan_id, "status": "scanning", "filesScanned": 3, "totalFiles": 9}
    try:
        await publisher.emit(
            "scan:progress", progress, namespace=NAMESPACE, room=scan_room(scan_id)
        )
        await publisher.emit("library:change", {"type": "track_added"}, namespace=NAMESPACE)

        for client in watching:
            assert await client.received("scan:progress") == [progress]
        assert await elsewhere.received("library:change") == [{"type": "track_added"}]
        assert elsewhere.named("scan:progress") == []
    finally:
        await publisher.close()


async def test_a_job_run_by_a_worker_process_emits_to_clients_and_a_late_client_gets_retained_progress(
    scaled: ScaledSite, clients: list[ScannerClient], logs: ProcessLogs, tmp_path: Path
) -> None:
    token = await ready_token(scaled.servers[0].url, "root")
    early = new_client(clients)
    assert await early.connect(scaled.servers[0].url, auth={"token": token})
    lufs = {"isRunning": True, "pendingTracks": 12, "processedInSession": 3}
    # The serving side only enqueues: it registers the queue, it never consumes it.
    serving = RedisJobQueue(REDIS_URL, scaled.prefix)
    serving.register(BROADCAST_QUEUE, _never)
    with running_worker(logs, tmp_path, scaled.env) as worker:
        try:
            await serving.enqueue(
                BROADCAST_QUEUE,
                {"event": "lufs:progress", "data": lufs, "namespace": NAMESPACE, "retain": True},
            )
            assert await early.received("lufs:progress") == [lufs]

            late = new_client(clients)
            assert await late.connect(scaled.servers[1].url, auth={"token": token})
            assert await late.received("lufs:progress") == [lufs]
            stats = await serving.stats()
            assert [(s.name, s.completed, s.failed) for s in stats] == [(BROADCAST_QUEUE, 1, 0)]
        finally:
            await serving.close()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0


async def _never(payload: dict[str, Any]) -> None:
    raise AssertionError("only the worker process runs jobs")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def in_process(tmp_path: Path) -> AsyncIterator[tuple[str, Services]]:
    """The ASGI app `serve` runs, served by uvicorn inside the test's event loop, so the test
    can emit from inside the server: embedded mode, SQLite, no Redis."""
    settings = Settings.model_validate(
        {
            "data_dir": tmp_path / "data",
            "library": [tmp_path],
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'echo.db'}",
            "redis_url": "",
            "browse_roots": [tmp_path],
        }
    )
    await asyncio.to_thread(upgrade, settings.database_url)
    asgi = create_asgi_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    async with asyncio.timeout(WAIT):
        while not server.started:  # noqa: ASYNC110 (uvicorn has no "started" event)
            await asyncio.sleep(0.02)
    services: Services = cast(Any, asgi).other_asgi_app.state.services
    try:
        yield f"http://127.0.0.1:{port}", services
    finally:
        server.should_exit = True
        await serving


async def test_in_embedded_mode_a_job_inside_serve_emits_throttled_progress_to_its_clients(
    in_process: tuple[str, Services], clients: list[ScannerClient]
) -> None:
    url, services = in_process
    await builders.create_user(services, "root", admin=True)
    async with httpx.AsyncClient(base_url=url, timeout=WAIT) as http:
        token = (await builders.login(http, "root")).access_token
    scan_id = str(uuid.uuid4())
    client = new_client(clients)
    assert await client.connect(url, auth={"token": token}), client.refusal
    await client.call("scanner:subscribe", {"scanId": scan_id})

    async def scan(payload: dict[str, Any]) -> None:
        async def send(value: dict[str, Any]) -> None:
            await services.broadcaster.emit(
                "scan:progress", value, namespace=NAMESPACE, room=scan_room(payload["scanId"])
            )

        async with ProgressThrottle(send) as progress:
            for n in range(1, 201):
                await progress.update({"scanId": payload["scanId"], "filesScanned": n})
                await asyncio.sleep(0.001)
        await services.broadcaster.emit(
            "dj:progress", {"isRunning": False}, namespace=NAMESPACE, retain=True
        )

    services.jobs.register("e2e-scan", scan)
    await services.jobs.enqueue("e2e-scan", {"scanId": scan_id})

    await client.received("dj:progress")
    sent = client.named("scan:progress")
    assert sent[-1] == {"scanId": scan_id, "filesScanned": 200}
    assert 2 <= len(sent) < 40
    late = new_client(clients)
    assert await late.connect(url, auth={"token": token})
    assert await late.received("dj:progress") == [{"isRunning": False}]
