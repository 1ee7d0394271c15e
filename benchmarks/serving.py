"""What the benchmarks that measure a real `echo-music serve` share: a scratch PostgreSQL
database, the serve process itself, the login, percentiles and the process's memory."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

POSTGRES = os.environ.get("ECHO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("ECHO_TEST_REDIS", "redis://127.0.0.1:6379/0")
PASSWORD = "Sup3r-secret!"


def postgres_database() -> tuple[str, str]:
    """(SQLAlchemy URL, name) of a new empty database; drop it with `drop_postgres(name)`."""
    import asyncpg

    name = f"echo_bench_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        connection = await asyncpg.connect(POSTGRES)
        await connection.execute(f'CREATE DATABASE "{name}"')
        await connection.close()

    asyncio.run(create())
    base = POSTGRES.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}", name


def drop_postgres(name: str) -> None:
    import asyncpg

    async def drop() -> None:
        connection = await asyncpg.connect(POSTGRES)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.close()

    asyncio.run(drop())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def serve_env(root: Path, **settings: str) -> dict[str, str]:
    """The environment of a serve under `root` (data and music folders), unthrottled, with no
    file watcher, plus `settings` as ECHO_<NAME> variables; the caller's ECHO_ ones are dropped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ECHO_")}
    env |= {
        "ECHO_DATA_DIR": str(root / "data"),
        "ECHO_LIBRARY": str(root / "music"),
        "ECHO_RATE_LIMIT_GLOBAL": "10000000",
        "ECHO_WATCH_LIBRARY": "false",
        "ECHO_LOG_LEVEL": "warning",
    }
    return env | {f"ECHO_{name.upper()}": value for name, value in settings.items()}


def echo_music(env: dict[str, str], cwd: Path, *command: str, stdin: str = "") -> None:
    """Runs the CLI (`user create`, `scan`, ...) as an administrator would."""
    executable = Path(sys.executable).with_name("echo-music")
    subprocess.run([str(executable), *command], env=env, cwd=cwd, input=stdin,
                   text=True, check=True, capture_output=True, timeout=600)  # fmt: skip


@contextmanager
def serve(env: dict[str, str], cwd: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A running `echo-music serve` on a free port: (base URL, process), stopped on exit."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "echo", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise RuntimeError(f"serve exited with {server.returncode}")
            time.sleep(0.2)
        yield base, server
    finally:
        server.terminate()
        server.wait(timeout=20)


async def login(client: httpx.AsyncClient) -> dict[str, str]:
    """Logs in as the `bench` user, changing the temporary password the CLI leaves as a real
    user would; the Authorization header."""
    body = {"username": "bench", "password": PASSWORD}
    login = (await client.post("/api/auth/login", json=body)).json()
    headers = {"Authorization": f"Bearer {login['accessToken']}"}
    if login.get("mustChangePassword"):
        change = {"currentPassword": PASSWORD, "newPassword": PASSWORD + "2"}
        await client.put("/api/users/password", json=change, headers=headers)
        body["password"] = PASSWORD + "2"
        login = (await client.post("/api/auth/login", json=body)).json()
        headers = {"Authorization": f"Bearer {login['accessToken']}"}
    return headers
