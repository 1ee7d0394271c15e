"""Faults on a real server: Redis stopped, stalled and restarted under it, the database dropped
under it. Redis is a private redis-server on its own port; the shared one is never touched."""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.e2e.processes import (
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    PASSWORD,
    ProcessLogs,
    RedisServer,
    Server,
    drop_postgres_database,
    postgres_database,
    run_cli,
    running_server,
    site_env,
)


@dataclass
class Site:
    server: Server
    redis: RedisServer
    prefix: str
    database: str

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        return httpx.get(f"{self.server.url}{path}", headers=_bearer(token), timeout=15)

    def post(self, path: str, token: str | None = None, **body: Any) -> httpx.Response:
        return httpx.post(
            f"{self.server.url}{path}", headers=_bearer(token), json=body or None, timeout=15
        )

    def login(self) -> str:
        response = self.post("/api/auth/login", username="alice", password=PASSWORD)
        assert response.status_code == 200, response.text
        token: str = response.json()["accessToken"]
        return token

    def health(self) -> dict[str, Any]:
        response = self.get("/api/health")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def wait_for_health(self, status: str, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            body = self.health()
            if body["status"] == status or time.monotonic() > deadline:
                return body
            time.sleep(0.2)

    def redis_keys(self) -> list[str]:
        client = redis.Redis.from_url(self.redis.url, socket_timeout=2, decode_responses=True)
        try:
            return sorted(client.scan_iter(match=f"{self.prefix}*"))
        finally:
            client.close()


def _bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@pytest.fixture
def site(tmp_path: Path, logs: ProcessLogs) -> Iterator[Site]:
    """A server on a fresh PostgreSQL database and a private Redis, with the user alice."""
    private_redis = RedisServer(logs.path("redis"))
    private_redis.start()
    prefix = f"echo-e2e:{uuid.uuid4().hex[:10]}:"
    try:
        with postgres_database() as (name, database_url):
            env = site_env(
                tmp_path / "site",
                ECHO_DATABASE_URL=database_url,
                ECHO_REDIS_URL=private_redis.url,
                ECHO_REDIS_PREFIX=prefix,
                ECHO_JWT_SECRET=JWT_SECRET,
                ECHO_JWT_REFRESH_SECRET=JWT_REFRESH_SECRET,
            )
            created = run_cli(["user", "create", "alice"], env, tmp_path, PASSWORD + "\n")
            assert created.returncode == 0, created.stdout + created.stderr
            with running_server(logs, tmp_path, env) as server:
                yield Site(server, private_redis, prefix, name)
    finally:
        private_redis.stop()


def test_health_is_degraded_not_failed_while_redis_is_down_and_ok_once_it_is_back(
    site: Site,
) -> None:
    assert site.health()["services"]["cache"] == "ok"

    site.redis.stop()
    down = site.health()
    assert down["status"] == "degraded"
    assert down["services"] == {**down["services"], "cache": "error", "database": "ok"}

    site.redis.start()
    back = site.wait_for_health("ok")
    assert back["status"] == "ok"
    assert back["services"]["cache"] == "ok"


def test_login_me_and_logout_keep_working_from_the_database_while_redis_is_down(
    site: Site,
) -> None:
    revoked_before = site.login()
    assert site.post("/api/auth/logout", revoked_before).status_code == 200

    site.redis.stop()
    assert site.get("/api/auth/me", revoked_before).status_code == 401

    token = site.login()
    me = site.get("/api/auth/me", token)
    assert me.status_code == 200
    assert me.json()["user"]["username"] == "alice"
    assert site.post("/api/auth/logout", token).status_code == 200
    refused = site.get("/api/auth/me", token)
    assert refused.status_code == 401
    assert refused.json()["message"] == "Token revoked"


def test_redis_restarted_empty_is_used_again_and_no_revocation_comes_back_to_life(
    site: Site,
) -> None:
    revoked_before = site.login()
    assert site.post("/api/auth/logout", revoked_before).status_code == 200
    site.redis.stop()
    revoked_during = site.login()
    assert site.post("/api/auth/logout", revoked_during).status_code == 200

    site.redis.start()  # empty: the blacklist entries written before the outage are gone
    assert site.wait_for_health("ok")["services"]["cache"] == "ok"
    assert site.redis_keys() == []

    assert site.get("/api/auth/me", revoked_before).status_code == 401
    assert site.get("/api/auth/me", revoked_during).status_code == 401

    token = site.login()
    assert site.get("/api/auth/me", token).status_code == 200
    assert site.post("/api/auth/logout", token).status_code == 200
    keys = site.redis_keys()
    assert any(key.startswith(f"{site.prefix}ratelimit:login:") for key in keys), keys
    assert any(key.startswith(f"{site.prefix}token:blacklist:") for key in keys), keys
    assert site.get("/api/auth/me", token).status_code == 401


def test_a_logout_while_redis_stalls_is_not_forgotten_when_redis_resumes(site: Site) -> None:
    token = site.login()
    assert site.get("/api/auth/me", token).status_code == 200
    process = site.redis.process
    assert process is not None

    process.send_signal(signal.SIGSTOP)  # Redis keeps its data but stops answering
    try:
        assert site.post("/api/auth/logout", token).status_code == 200
        assert site.get("/api/auth/me", token).status_code == 401
    finally:
        process.send_signal(signal.SIGCONT)

    assert site.wait_for_health("ok")["services"]["cache"] == "ok"
    time.sleep(1.2)  # past the adapters' pause after a failure, so Redis is asked again
    assert site.get("/api/auth/me", token).status_code == 401


def test_health_answers_503_and_nothing_answers_500_when_the_database_is_gone(
    site: Site,
) -> None:
    token = site.login()
    drop_postgres_database(site.database)

    health = site.get("/api/health")
    assert health.status_code == 503
    body = health.json()
    assert body["status"] == "error"
    assert body["services"]["database"] == "error"
    assert body["services"]["cache"] == "ok"

    for response in (
        site.post("/api/auth/login", username="alice", password=PASSWORD),
        site.get("/api/auth/me", token),
        site.get("/api/setup/status"),
    ):
        assert response.status_code == 503, response.text
        assert response.json()["statusCode"] == 503
