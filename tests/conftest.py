"""Shared fixtures: every storage test runs twice, on SQLite + in-process adapters and on
PostgreSQL + Redis. The PostgreSQL/Redis tier fails (never skips) when those servers are down."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.asyncio import Redis
from sqlalchemy import delete

from echo.app import create_app
from echo.bootstrap import Services
from echo.core.db import Base
from echo.migrations.models import import_all_models
from echo.migrations.runner import upgrade
from echo.settings import Settings

POSTGRES_ADMIN_DSN = os.environ.get(
    "ECHO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("ECHO_TEST_REDIS", "redis://127.0.0.1:6379/0")
BACKENDS = ("sqlite", "postgres")

import_all_models()


async def _create_postgres_database(name: str) -> None:
    try:
        connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"PostgreSQL tier cannot run: {POSTGRES_ADMIN_DSN} unreachable ({error})")
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_postgres_database(name: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def _require_redis() -> None:
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except Exception as error:
        pytest.fail(f"Redis tier cannot run: {REDIS_URL} unreachable ({error})")
    finally:
        await client.aclose()


def postgres_url_for(name: str) -> str:
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0]
    return base.replace("postgresql://", "postgresql+asyncpg://", 1) + f"/{name}"


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per backend for the whole run; tests empty the tables after use."""
    sqlite_file = tmp_path_factory.mktemp("sqlite") / "echo.db"
    pg_name = f"echo_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    urls = {"sqlite": f"sqlite+aiosqlite:///{sqlite_file}", "postgres": postgres_url_for(pg_name)}
    asyncio.run(_create_postgres_database(pg_name))
    try:
        for url in urls.values():
            upgrade(url)
        yield urls
    finally:
        asyncio.run(_drop_postgres_database(pg_name))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "music"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    return make_settings(backend, database_urls, tmp_path, library_dir)


def make_settings(
    backend: str,
    database_urls: dict[str, str],
    tmp_path: Path,
    library_dir: Path,
    **overrides: object,
) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "library": [library_dir],
        "database_url": database_urls[backend],
        "redis_url": REDIS_URL if backend == "postgres" else "",
        "redis_prefix": f"echo-test:{uuid.uuid4().hex[:10]}:",
        "browse_roots": [tmp_path],
        "rate_limit_global": 100_000,
        "rate_limit_login": 100_000,
        "rate_limit_refresh": 100_000,
        "rate_limit_setup": 100_000,
        "watch_library": False,  # watcher tests turn it on; elsewhere it would race the tests
        "scan_workers": 2,
        "jwt_secret": "",
        "jwt_refresh_secret": "",
    }
    values.update(overrides)
    return Settings.model_validate(values)


async def _empty_storage(services: Services) -> None:
    async with services.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))
    if services.redis is not None:
        keys = [
            key
            async for key in services.redis.scan_iter(match=f"{services.settings.redis_prefix}*")
        ]
        if keys:
            await services.redis.delete(*keys)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    if settings.redis_url:
        await _require_redis()
    application = create_app(settings)
    async with LifespanManager(application):
        try:
            yield application
        finally:
            await _empty_storage(application.state.services)


@pytest.fixture
def services(app: FastAPI) -> Services:
    services: Services = app.state.services
    return services


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
