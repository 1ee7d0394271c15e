"""Two `echo-music serve` processes on one PostgreSQL database and one Redis behave as one
server: one rate-limit budget and one token blacklist."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import REDIS_URL
from tests.e2e.processes import (
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    PASSWORD,
    ProcessLogs,
    Server,
    postgres_database,
    run_cli,
    running_servers,
    site_env,
)

LOGIN_LIMIT = 6


@pytest.fixture
def pair(tmp_path: Path, logs: ProcessLogs) -> Iterator[tuple[Server, Server]]:
    """Servers A and B, started at the same time on a fresh database, with the user alice."""
    prefix = f"echo-e2e:{uuid.uuid4().hex[:10]}:"
    with postgres_database() as (_, database_url):
        shared = {
            "ECHO_DATABASE_URL": database_url,
            "ECHO_REDIS_URL": REDIS_URL,
            "ECHO_REDIS_PREFIX": prefix,
            "ECHO_JWT_SECRET": JWT_SECRET,
            "ECHO_JWT_REFRESH_SECRET": JWT_REFRESH_SECRET,
            "ECHO_RATE_LIMIT_LOGIN": str(LOGIN_LIMIT),
        }
        envs = {name: site_env(tmp_path / name, **shared) for name in ("a", "b")}
        with running_servers(logs, tmp_path, envs) as servers:
            created = run_cli(["user", "create", "alice"], envs["a"], tmp_path, PASSWORD + "\n")
            assert created.returncode == 0, created.stdout + created.stderr
            yield servers["a"], servers["b"]


def login(server: Server, password: str = PASSWORD) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/auth/login",
        json={"username": "alice", "password": password},
        timeout=10,
    )


def wait_for_a_fresh_window(margin: float = 5.0) -> None:
    """Rate limits count per clock minute; start early in one so all attempts share it."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.2)


def test_two_servers_share_one_login_budget(pair: tuple[Server, Server]) -> None:
    a, b = pair
    wait_for_a_fresh_window()
    answers: list[int] = []
    for server in (a, a, a, b, b, b):
        # Wrong and right passwords alike count against the budget.
        answers.append(login(server, PASSWORD if len(answers) % 2 else "Wrong-pass1!").status_code)
    assert answers == [401, 200, 401, 200, 401, 200]

    for server in (a, b):
        refused = login(server)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) >= 1


def test_a_token_logged_out_on_one_server_is_refused_by_the_other(
    pair: tuple[Server, Server],
) -> None:
    a, b = pair
    response = login(a)
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['accessToken']}"}

    assert httpx.get(f"{b.url}/api/auth/me", headers=headers).status_code == 200
    assert httpx.post(f"{a.url}/api/auth/logout", headers=headers).status_code == 200
    refused = httpx.get(f"{b.url}/api/auth/me", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["message"] == "Token revoked"
    assert httpx.get(f"{a.url}/api/auth/me", headers=headers).status_code == 401
