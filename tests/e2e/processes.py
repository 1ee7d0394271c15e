"""Real processes for the end-to-end tests: `echo-music serve`, the CLI, a private redis-server,
and throwaway PostgreSQL databases. Every process writes to a log file the tests attach to a
failure report."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import _create_postgres_database, _drop_postgres_database, postgres_url_for

JWT_SECRET = "e2e-access-secret-0123456789abcdefghijklmnop"
JWT_REFRESH_SECRET = "e2e-refresh-secret-0123456789abcdefghijklmnop"
PASSWORD = "Sup3r-secret!"
START_TIMEOUT = 60.0
NO_PERSISTENCE = ("--save", "", "--appendonly", "no")
ECHO_MUSIC = Path(sys.executable).with_name("echo-music")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def echo_env(**values: str | Path) -> dict[str, str]:
    """The parent environment without any ECHO_* variable, plus `values` (ECHO_ names)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ECHO_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update({key: str(value) for key, value in values.items()})
    return env


def site_env(root: Path, **values: str | Path) -> dict[str, str]:
    """Settings for one installation under `root`: its data dir, library and browse roots."""
    for folder in ("data", "music"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    defaults: dict[str, str | Path] = {
        "ECHO_DATA_DIR": root / "data",
        "ECHO_LIBRARY": root / "music",
        "ECHO_BROWSE_ROOTS": root,
        "ECHO_LOG_LEVEL": "info",
    }
    return echo_env(**{**defaults, **values})


def run_cli(
    args: list[str], env: Mapping[str, str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`echo-music <args>`, from `cwd` so no stray .env file of the developer is read."""
    return subprocess.run(
        [str(ECHO_MUSIC), *args],
        env=dict(env),
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Server:
    """One `echo-music serve` process."""

    name: str
    port: int
    env: dict[str, str] = field(repr=False)
    cwd: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        command = [sys.executable, "-m", "echo", "serve", "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        """Until /api/health answers 200; fails with the log when the process dies first."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"{self.name} exited with {self.process.returncode} before answering")
            try:
                response = httpx.get(f"{self.url}/api/health", timeout=2)
                if response.status_code == 200:
                    return
                last = f"{response.status_code} {response.text[:200]}"
            except httpx.TransportError as error:
                last = repr(error)
            time.sleep(0.2)
        pytest.fail(f"{self.name} not healthy after {timeout:.0f} s: {last}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class ProcessLogs:
    """Log files of the current test; conftest appends them to the report when it fails."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.paths: list[Path] = []

    def path(self, name: str) -> Path:
        path = self.folder / f"{name}.log"
        self.paths.append(path)
        return path

    def report(self) -> list[tuple[str, str]]:
        sections = []
        for path in self.paths:
            if path.exists():
                text = path.read_text(errors="replace")
                sections.append((f"log of {path.stem}", text[-30_000:]))
        return sections


@contextmanager
def running_servers(
    logs: ProcessLogs, cwd: Path, envs: Mapping[str, dict[str, str]]
) -> Iterator[dict[str, Server]]:
    """Starts one server per name at once, waits until all are healthy, and always stops them."""
    servers = {
        name: Server(name, free_port(), env, cwd, logs.path(name)) for name, env in envs.items()
    }
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_healthy()
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@contextmanager
def running_server(logs: ProcessLogs, cwd: Path, env: dict[str, str]) -> Iterator[Server]:
    with running_servers(logs, cwd, {"server": env}) as servers:
        yield servers["server"]


@contextmanager
def postgres_database() -> Iterator[tuple[str, str]]:
    """A fresh, empty PostgreSQL database (name, SQLAlchemy URL), dropped afterwards."""
    name = f"echo_e2e_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    asyncio.run(_create_postgres_database(name))
    try:
        yield name, postgres_url_for(name)
    finally:
        drop_postgres_database(name)


def drop_postgres_database(name: str) -> None:
    """Drops it even while servers are connected (WITH (FORCE)); dropping twice is harmless."""
    asyncio.run(_drop_postgres_database(name))


class RedisServer:
    """A private redis-server on a free port, so tests can stop it without touching :6379."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", *NO_PERSISTENCE],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"redis-server on {self.port} exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(64).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        pytest.fail(f"redis-server on {self.port} did not answer PING")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
