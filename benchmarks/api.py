"""API benchmark: library reads of a real `echo-music serve` under load from `wrk` (a separate
process, 64 connections), on SQLite (embedded) and on PostgreSQL + Redis, against a library of
100,000 tracks written straight into the database by the tests' bulk fixture (1,000 artists ×
5 albums × 20 tracks, titles from its 20-word vocabulary; no audio file is needed to browse).

    python -m benchmarks api
    BENCH_API_TRACKS=100000  BENCH_API_SECONDS=10  BENCH_API_CONNECTIONS=64  BENCH_API_ROUNDS=1
    BENCH_API_BACKENDS=sqlite,postgres

Each load runs twice: saturated (64 connections sending as fast as answers come: the
throughput), then paced at half that throughput (each connection waits a random think time
between its requests: the latency a client sees on a server busy half of the time; at
saturation, latency is only connections ÷ throughput). Figures, each next to its limit:
- cached `GET /api/albums/{id}` (2,000 albums read once before, then rotated over): throughput
  against the bare route measured in the same run, and p99 when paced. The bare route is
  `GET /api/auth/me`, the cheapest route that goes through everything a library read needs
  (HTTP, middleware, rate limit, routing and the access-token check the library routes
  require) and then does nearly nothing (a small user object), so the ratio is what the
  album's cache lookup and answer cost on top of that. /api/health is no bare route: it
  queries the database, pings the cache and reads the disk usage.
- uncached list and search pages, p95 when paced: every request asks for another page, term
  or page size (another cache key), so each one misses the cache; only the count of all albums
  or tracks a list page shows (cached 30 min) may hit.
- the resident memory of `serve` after the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from sqlalchemy import insert, literal, select, text
from tests.fixtures.bulk_library import WORDS, BulkLibrary, insert_library

from benchmarks.serving import (
    PASSWORD,
    REDIS,
    drop_postgres,
    echo_music,
    login,
    postgres_database,
    rss_mb,
    serve,
    serve_env,
)
from echo.core.db import create_engine, create_sessionmaker, utcnow
from echo.features.analysis.models import COMPLETED, DONE, DjAnalysis, TrackLoudness
from echo.features.tracks.models import Track
from echo.migrations.runner import upgrade_async

WRK = shutil.which("wrk") or "/usr/bin/wrk"
TARGETS = {
    "album_vs_bare": 0.50,  # cached album reads/s ≥ 50 % of the bare route's
    "album_p99_ms": 25.0,
    "uncached_p95_ms": 50.0,
    "serve_rss_mb": 250.0,
}
CACHED_ALBUMS = 2000  # well inside the in-process cache's 10,000 entries
# uvicorn closes a connection idle for 5 s: a paced client waits less, else wrk counts errors.
MAX_THINK_MS = 3000
SERVER_PID = [0]  # the serve being measured, for its CPU time
BARE, ALBUM = "bare: GET /api/auth/me", "cached GET /api/albums/{id}"

# Rotates over the paths in a file (one a line), each thread from its own offset, so no two
# requests of a run ask for the same path until the list runs out; prints the figures as JSON.
# PACING is added for the latency runs: each connection waits a random think time (mean
# args[4] ms, ±50 %) between requests, as a client does, instead of sending the next one at once.
LUA = """
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  stride = tonumber(args[2])
  index = id
  wrk.headers["Authorization"] = args[3]
  think = tonumber(args[4])
  math.randomseed(id + 1)
end

function request()
  local path = paths[(index % #paths) + 1]
  index = index + stride
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
PACING = """
function delay()
  return math.random(math.floor(think / 2), math.floor(think * 3 / 2))
end
"""


async def _generate(database_url: str, tracks: int) -> BulkLibrary:
    """The library, each track with a finished loudness and DJ analysis, as after a scan and its
    analyses (else the embedded server would start analysing files that do not exist)."""
    started = time.perf_counter()
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    try:
        sessions = create_sessionmaker(engine)
        library = await insert_library(
            sessions, artists=max(1, tracks // 100), albums_per_artist=5, tracks_per_album=20
        )
        async with sessions() as session:
            done = select(Track.id, literal(DONE), literal(-14.0), literal(-1.0), literal(utcnow()))
            columns = ["track_id", "status", "integrated_lufs", "true_peak_db", "updated_at"]
            await session.execute(insert(TrackLoudness).from_select(columns, done))
            dj = select(
                Track.id, literal(COMPLETED), literal(120.0), literal("Am"), literal("8A"),
                literal(0.6), literal(0.5),
            )  # fmt: skip
            columns = ["track_id", "status", "bpm", "key", "camelot_key", "energy", "danceability"]
            await session.execute(insert(DjAnalysis).from_select(columns, dj))
            await session.commit()
        if engine.dialect.name == "postgresql":
            # As after a scan (which refreshes the statistics) and autovacuum's first pass (which
            # marks the pages all-visible, so index-only scans stay index-only).
            async with engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()
    print(f"generated {len(library.tracks)} tracks in {time.perf_counter() - started:.0f} s")
    return library


@dataclass
class Load:
    name: str
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    connections: int
    cpu_ms: float  # serve's CPU time per request (not the PostgreSQL or Redis servers')
    errors: dict[str, int]  # by kind: connect, read, write, status (≥ 400), timeout
    distinct: int  # different paths asked; below `requests` means some were asked twice


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all its threads (aiosqlite's included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(
    base: str,
    auth: str,
    name: str,
    paths: list[str],
    seconds: float,
    connections: int,
    think_ms: float = 0,
) -> Load:
    threads = 2
    cpu_before = _cpu_seconds(SERVER_PID[0])
    with tempfile.TemporaryDirectory() as folder:
        script, listing = Path(folder, "rotate.lua"), Path(folder, "paths.txt")
        script.write_text(LUA + (PACING if think_ms else ""))
        listing.write_text("\n".join(paths) + "\n")
        output = subprocess.run(
            [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
             "-s", str(script), base, "--", str(listing), str(threads), auth, f"{think_ms:.0f}"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    figures = json.loads(output.strip().splitlines()[-1])
    cpu = _cpu_seconds(SERVER_PID[0]) - cpu_before
    return Load(
        cpu_ms=cpu * 1000 / max(figures["requests"], 1),
        connections=connections,
        name=name,
        requests=figures["requests"],
        rps=figures["requests"] / figures["seconds"],
        p50=figures["p50"],
        p95=figures["p95"],
        p99=figures["p99"],
        errors={kind: count for kind, count in figures["errors"].items() if count},
        distinct=min(figures["requests"], len(set(paths))),
    )


def _terms(words: list[str], rng: random.Random) -> list[str]:
    """Search terms as people type them: whole words, prefixes of 3+ letters, two words."""
    terms = set(words)
    terms |= {word[:length] for word in words for length in range(3, len(word))}
    terms |= {f"{rng.choice(words)} {rng.choice(words)}" for _ in range(3000)}
    return sorted(terms)


def _uncached(library: BulkLibrary, rng: random.Random) -> dict[str, list[str]]:
    """Per endpoint, paths that are each another cache key (page, size, term)."""
    albums, tracks = len(library.albums), len(library.tracks)
    terms = _terms(list(WORDS), rng)
    loads = {
        "GET /api/albums?skip&take=20 (newest)": [
            f"/api/albums?skip={skip}&take=20" for skip in range(albums - 20)
        ],
        "GET /api/albums/alphabetical?page&limit": [
            f"/api/albums/alphabetical?page={page}&limit={limit}"
            for limit in range(10, 51)
            for page in range(1, albums // limit + 1)
        ],
        "GET /api/tracks?skip&take=20 (newest)": [
            f"/api/tracks?skip={skip}&take=20" for skip in range(tracks - 20)
        ],
        "GET /api/tracks/search/{q}?skip&take": [
            # 11 page sizes: with two, the saturated run asked most paths twice and its
            # throughput (which sets the paced rate) was that of cache hits.
            f"/api/tracks/search/{quote(term)}?skip={skip}&take={take}"
            for term in terms
            for skip in (0, 20)
            for take in range(10, 21)
        ],
        "GET /api/search?q&limit": [
            f"/api/search?q={quote(term)}&limit={limit}" for term in terms for limit in range(5, 21)
        ],
    }
    for paths in loads.values():
        rng.shuffle(paths)
    return loads


async def _warm(base: str, headers: dict[str, str], paths: list[str]) -> None:
    """Reads every path once (16 at a time), so the cache holds them; each must answer 200."""
    limits = httpx.Limits(max_connections=16)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits) as client:
        queue = list(paths)

        async def worker() -> None:
            while queue:
                response = await client.get(queue.pop())
                assert response.status_code == 200, (response.status_code, response.text)

        await asyncio.gather(*(worker() for _ in range(16)))


async def _authorization(base: str) -> str:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        return (await login(client))["Authorization"]


@dataclass
class Endpoint:
    saturated: Load  # as fast as 64 connections can go: the throughput
    paced: Load | None  # at half that throughput: the latency a client sees on a busy server


def _endpoint(
    base: str, auth: str, name: str, paths: list[str], seconds: float, connections: int
) -> Endpoint:
    """Throughput at saturation, then latency at half of it; the paced run asks for paths the
    saturated one did not, so an uncached load stays uncached."""
    saturated = _wrk(base, auth, name, paths[::2], seconds, connections)
    return Endpoint(
        saturated, _paced(base, auth, name, paths[1::2], seconds, connections, saturated)
    )


def _paced(
    base: str,
    auth: str,
    name: str,
    paths: list[str],
    seconds: float,
    connections: int,
    saturated: Load,
) -> Load:
    """`connections` clients (fewer when the think time would pass MAX_THINK_MS) asking at
    half the saturated throughput in all."""
    rate = saturated.rps / 2
    think_ms = min(connections / rate * 1000, MAX_THINK_MS)
    clients = max(2, min(connections, round(rate * think_ms / 1000)))
    return _wrk(base, auth, name, paths, seconds, clients, think_ms)


def _measure_backend(
    label: str, database_url: str, redis: dict[str, str], tracks: int
) -> tuple[list[Endpoint], list[float], float, str]:
    """(endpoints, cached album ÷ bare throughput per round, serve RSS MB after the run, the
    load averages of the machine at the end)."""
    seconds = float(os.environ.get("BENCH_API_SECONDS", "10"))
    connections = int(os.environ.get("BENCH_API_CONNECTIONS", "64"))
    rounds = int(os.environ.get("BENCH_API_ROUNDS", "1"))
    root = Path(tempfile.mkdtemp(prefix="echo-bench-api-"))
    try:
        (root / "data").mkdir()
        library = asyncio.run(_generate(database_url, tracks))
        env = serve_env(root, database_url=database_url, **redis)
        echo_music(env, root, "user", "create", "bench", "--admin", stdin=PASSWORD)
        rng = random.Random(11)
        albums = [f"/api/albums/{album_id}" for album_id in library.albums]
        rng.shuffle(albums)
        albums = albums[:CACHED_ALBUMS]
        bare_name, album_name = BARE, ALBUM
        with serve(env, root) as (base, server):
            SERVER_PID[0] = server.pid
            auth = asyncio.run(_authorization(base))
            asyncio.run(_warm(base, {"Authorization": auth}, albums))
            _wrk(base, auth, "warm-up", ["/api/auth/me"], 3, connections)
            endpoints: list[Endpoint] = []
            ratios = []
            for _ in range(rounds):
                bare = _wrk(base, auth, bare_name, ["/api/auth/me"], seconds, connections)
                album = _wrk(base, auth, album_name, albums, seconds, connections)
                endpoints += [Endpoint(bare, None), Endpoint(album, None)]
                ratios.append(album.rps / bare.rps)
            endpoints[-1].paced = _paced(
                base, auth, album_name, albums, seconds, connections, album
            )
            for name, paths in _uncached(library, rng).items():
                endpoints.append(_endpoint(base, auth, name, paths, seconds, connections))
            memory = rss_mb(server.pid)
        print(f"{label}: measured", flush=True)
        load = " ".join(f"{figure:.1f}" for figure in os.getloadavg())
        return endpoints, ratios, memory, load
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _drop_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _report(
    label: str, endpoints: list[Endpoint], ratios: list[float], memory: float, load: str
) -> None:
    print(f"\n{label} (load average during the run: {load})")
    print(f"{'':<42}{'saturated':^23} | {'paced at half the throughput':^38}")
    print(f"{'endpoint':<42}{'req/s':>7}{'p99 ms':>8}{'cpu ms':>8} |{'conns':>6}{'req/s':>7}"
          f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>7}{'distinct/asked':>15}")  # fmt: skip
    for endpoint in endpoints:
        full, paced = endpoint.saturated, endpoint.paced
        line = f"{full.name:<42}{full.rps:>7.0f}{full.p99:>8.1f}{full.cpu_ms:>8.2f} |"
        if paced is not None:
            line += (
                f"{paced.connections:>6}{paced.rps:>7.0f}{paced.p50:>8.1f}{paced.p95:>8.1f}"
                f"{paced.p99:>8.1f}"
            )
        else:
            line += " " * 37
        errors = sum(full.errors.values()) + (sum(paced.errors.values()) if paced else 0)
        distinct = f"{full.distinct + (paced.distinct if paced else 0)}"
        requests = full.requests + (paced.requests if paced else 0)
        print(f"{line}{errors:>7}{distinct + '/' + str(requests):>15}")
    album = next(e.paced for e in endpoints if e.paced and e.saturated.name.startswith("cached"))
    uncached = [e.paced for e in endpoints if e.paced and e.saturated.name.startswith("GET")]
    ratio = statistics.median(ratios)
    worst = max(uncached, key=lambda load: load.p95)
    errors: dict[str, int] = {}
    for load in [e.saturated for e in endpoints] + [e.paced for e in endpoints if e.paced]:
        for kind, count in load.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    print(
        f"cached album ÷ bare route throughput: {ratio:.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target ≥ "
        f"{TARGETS['album_vs_bare']:.2f}: {_verdict(ratio >= TARGETS['album_vs_bare'])})"
    )
    print(
        f"cached album p99 at half its throughput: {album.p99:.1f} ms (target ≤ "
        f"{TARGETS['album_p99_ms']:g}: {_verdict(album.p99 <= TARGETS['album_p99_ms'])})"
    )
    print(
        f"uncached p95 at half their throughput, worst: {worst.p95:.1f} ms, {worst.name} "
        f"(target ≤ {TARGETS['uncached_p95_ms']:g}: "
        f"{_verdict(worst.p95 <= TARGETS['uncached_p95_ms'])})"
    )
    print(
        f"serve RSS after the run: {memory:.0f} MB (target ≤ {TARGETS['serve_rss_mb']:g}: "
        f"{_verdict(memory <= TARGETS['serve_rss_mb'])})"
    )
    print(f"errors: {errors or 'none'} ({_verdict(not errors)})")  # fmt: skip


def main() -> None:
    tracks = int(os.environ.get("BENCH_API_TRACKS", "100000"))
    backends = os.environ.get("BENCH_API_BACKENDS", "sqlite,postgres").split(",")
    connections = os.environ.get("BENCH_API_CONNECTIONS", "64")
    print(f"{tracks} generated tracks, wrk -t2 -c{connections}, {os.cpu_count()} cores shared "
          "with the load generator (and whatever else runs: throughput is noisy, the ratio to "
          "the bare route of the same run is the figure to trust)", flush=True)  # fmt: skip
    results = []
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{folder}/echo.db"
            results.append(
                ("SQLite, in-process cache", *_measure_backend("SQLite", url, {}, tracks))
            )
    if "postgres" in backends:
        url, name = postgres_database()
        prefix = f"echo-bench-{uuid.uuid4().hex[:8]}:"
        try:
            redis = {"redis_url": REDIS, "redis_prefix": prefix}
            results.append(
                ("PostgreSQL + Redis", *_measure_backend("PostgreSQL", url, redis, tracks))
            )
        finally:
            drop_postgres(name)
            _drop_redis_prefix(prefix)
    for label, endpoints, ratios, memory, load in results:
        _report(label, endpoints, ratios, memory, load)
