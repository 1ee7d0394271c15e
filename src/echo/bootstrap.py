"""Composition root: builds the engine and picks each adapter (in-process or Redis) once."""

from __future__ import annotations

import logging
import os
import secrets
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from echo.core.blacklist import MemoryTokenBlacklist, RedisTokenBlacklist, TokenBlacklist
from echo.core.cache import Cache, MemoryCache, RedisCache
from echo.core.db import create_engine, create_sessionmaker
from echo.core.http import lan_origins
from echo.core.jobs import InProcessJobQueue, JobQueue, RedisJobQueue
from echo.core.pool import IsolatedPool, create_process_pool
from echo.core.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from echo.core.realtime import Broadcaster
from echo.core.redis import RedisGate, create_redis
from echo.core.slots import MemorySlots, RedisSlots, Slots
from echo.features.albums.cache import CachedAlbumRepository
from echo.features.albums.repository import AlbumRepository, SqlAlbumRepository
from echo.features.artists.cache import CachedArtistRepository
from echo.features.artists.repository import ArtistRepository, SqlArtistRepository
from echo.features.genres.cache import CachedGenreRepository
from echo.features.genres.repository import GenreRepository, SqlGenreRepository
from echo.features.tracks.cache import CachedTrackRepository
from echo.features.tracks.repository import SqlTrackRepository, TrackRepository
from echo.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JwtSecrets:
    access: str
    refresh: str


@dataclass
class Library:
    """The library repositories: cache-aside over SQL (DESIGN §3), on whichever cache the
    process has (in-process or Redis)."""

    albums: AlbumRepository
    artists: ArtistRepository
    tracks: TrackRepository
    genres: GenreRepository


def build_library(settings: Settings, cache: Cache) -> Library:
    return Library(
        albums=CachedAlbumRepository(SqlAlbumRepository(), cache),
        artists=CachedArtistRepository(SqlArtistRepository(), cache),
        tracks=CachedTrackRepository(SqlTrackRepository(settings.library), cache),
        genres=CachedGenreRepository(SqlGenreRepository(), cache),
    )


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: Cache
    rate_limiter: RateLimiter
    blacklist: TokenBlacklist
    jwt: JwtSecrets
    cpu_pool: ProcessPoolExecutor
    jobs: JobQueue
    broadcaster: Broadcaster
    analysis_pool: IsolatedPool
    slots: Slots
    redis: Redis | None = None
    started_at: float = field(default_factory=time.time)
    library: Library = field(init=False)

    def __post_init__(self) -> None:
        self.library = build_library(self.settings, self.cache)


def load_jwt_secrets(settings: Settings) -> JwtSecrets:
    """Environment values win; otherwise secrets generated once and kept in DATA_DIR/secrets.env."""
    if settings.jwt_secret and settings.jwt_refresh_secret:
        return JwtSecrets(settings.jwt_secret, settings.jwt_refresh_secret)
    path = settings.data_dir / "secrets.env"
    stored = _read_env_file(path)
    complete = {
        key: stored.get(key) or secrets.token_urlsafe(64)
        for key in ("JWT_SECRET", "JWT_REFRESH_SECRET")
    }
    if complete.items() - stored.items():
        _write_secret_file(path, {**stored, **complete})
    return JwtSecrets(
        settings.jwt_secret or complete["JWT_SECRET"],
        settings.jwt_refresh_secret or complete["JWT_REFRESH_SECRET"],
    )


def _read_env_file(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip()
    return values


def _write_secret_file(path: Path, values: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write("".join(f"{key}={value}\n" for key, value in values.items()))
    os.chmod(temporary, 0o600)
    temporary.replace(path)


def build_serving_broadcaster(settings: Settings) -> Broadcaster:
    """The Socket.IO server of a `serve` process; it exists before the services, because the
    ASGI app that mounts it is built before the lifespan that builds them."""
    return Broadcaster.serving(
        redis_url=settings.redis_url,
        prefix=settings.redis_prefix,
        allowed_origins=settings.cors_origins or lan_origins(settings.port),
    )


async def build_services(settings: Settings, *, broadcaster: Broadcaster | None = None) -> Services:
    """Without `broadcaster` (worker, CLI) events go out through Redis only."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    jwt_secrets = load_jwt_secrets(settings)
    if broadcaster is None:
        broadcaster = Broadcaster.publishing(
            redis_url=settings.redis_url, prefix=settings.redis_prefix
        )
    if not settings.redis_url:
        return Services(
            settings=settings,
            engine=engine,
            sessions=create_sessionmaker(engine),
            cache=MemoryCache(),
            rate_limiter=MemoryRateLimiter(),
            blacklist=MemoryTokenBlacklist(),
            jwt=jwt_secrets,
            cpu_pool=create_process_pool(
                settings.scan_workers, POOL_PRELOAD + ANALYSIS_PRELOAD + STREAMING_PRELOAD
            ),
            jobs=InProcessJobQueue(),
            broadcaster=broadcaster,
            analysis_pool=_analysis_pool(settings),
            slots=MemorySlots(),
        )
    redis = create_redis(settings.redis_url)
    gate = RedisGate(redis, settings.redis_prefix)
    if not await gate.ping():
        log.warning("Redis at %s does not answer; starting degraded", settings.redis_url)
    return Services(
        settings=settings,
        engine=engine,
        sessions=create_sessionmaker(engine),
        cache=RedisCache(gate),
        rate_limiter=RedisRateLimiter(gate),
        blacklist=RedisTokenBlacklist(gate),
        jwt=jwt_secrets,
        cpu_pool=create_process_pool(
            settings.scan_workers, POOL_PRELOAD + ANALYSIS_PRELOAD + STREAMING_PRELOAD
        ),
        jobs=RedisJobQueue(settings.redis_url, settings.redis_prefix),
        broadcaster=broadcaster,
        analysis_pool=_analysis_pool(settings),
        slots=RedisSlots(gate),
        redis=redis,
    )


def _half_the_cores() -> int:
    return max(1, (os.cpu_count() or 1) // 2)


def lufs_concurrency(settings: Settings) -> int:
    """Half the cores by default: analysis runs beside scans and streaming, not instead."""
    return settings.lufs_concurrency or _half_the_cores()


def dj_concurrency(settings: Settings) -> int:
    return settings.dj_concurrency or _half_the_cores()


def analysis_concurrency(settings: Settings) -> int:
    """Processes of the analysis pool, which loudness and DJ analysis share: together they
    use no more cores than the larger of their two settings."""
    return max(lufs_concurrency(settings), dj_concurrency(settings))


def _analysis_pool(settings: Settings) -> IsolatedPool:
    # Processes start only when the first file is analysed.
    return IsolatedPool(analysis_concurrency(settings))


# Imported once in the pools' forkserver, so the first batch of a scan or the first analysed
# file does not pay for it. The server itself leaves PyAV, NumPy and Pillow to these processes
# (its modules import them inside the functions that decode), hence the explicit entries.
POOL_PRELOAD = ("echo.features.scanner.parse", "echo.features.scanner.covers", "PIL.Image")
ANALYSIS_PRELOAD = ("echo.features.analysis.measure", "echo.features.analysis.loudness", "numpy")
STREAMING_PRELOAD = ("echo.features.streaming.transcoder", "av", "av.audio.stream")


async def close_services(services: Services) -> None:
    await services.jobs.close()
    await services.broadcaster.close()
    services.cpu_pool.shutdown(wait=False, cancel_futures=True)
    services.analysis_pool.close()
    if services.redis is not None:
        await services.redis.aclose()
    await services.engine.dispose()
