"""Streaming benchmark against a real `echo-music serve` on SQLite: concurrent Range streams of
real files and Opus transcoding, each figure next to its limit and to a baseline of the same run.

    python -m benchmarks streaming
    BENCH_STREAMS=200 (concurrent Range requests)  BENCH_TRANSCODES=8 (first-byte samples)

Baselines: the same concurrency on /api/health (the bare app stack) for Range streams, and
PyAV encoding the same file in this process (no server, no pipe) for the transcoder's speed.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.serving import (
    PASSWORD,
    echo_music,
    login,
    percentile,
    rss_mb,
    serve,
    serve_env,
)

CACHE = Path(__file__).parent / ".cache"
SECONDS = 240.0  # one four-minute track
COPIES = 8
TARGETS = {
    "listen_ttfb_p99_ms": 100.0,
    "seek_ttfb_p99_ms": 100.0,
    "range_errors": 0,
    "transcode_ttfb_ms": 300.0,
    "encoder_x_realtime": 20.0,
    "serve_rss_mb": 250.0,
}


def _source() -> Path:
    """Four minutes of stereo tones over noise (noise keeps encoders honest), as FLAC."""
    path = CACHE / "stream-source.flac"
    if path.exists():
        return path
    import av
    import numpy as np

    CACHE.mkdir(parents=True, exist_ok=True)
    rate, rng = 44_100, np.random.default_rng(7)
    scratch = path.with_suffix(".tmp")
    with av.open(str(scratch), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout, stream.format = "stereo", "s16"
        block = rate  # one second at a time
        for second in range(int(SECONDS)):
            t = (np.arange(block) + second * block) / rate
            left = 0.25 * np.sin(2 * np.pi * 220 * t) + 0.12 * np.sin(2 * np.pi * 331 * t)
            noise = rng.normal(0, 0.06, (2, block))
            pcm = np.clip(np.vstack([left, left * 0.8]) + noise, -1, 1)
            interleaved = (pcm.T.reshape(1, -1) * 32_000).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
            frame.sample_rate, frame.pts = rate, second * block
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    scratch.replace(path)
    return path


def _library(music: Path) -> None:
    import mutagen

    source = _source()
    for index in range(COPIES):
        target = music / "Bench" / f"{index + 1:02d} Track.flac"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        tags = mutagen.File(target)
        tags["title"], tags["artist"], tags["album"] = f"Track {index + 1}", "Bench", "Bench"
        tags.save()


async def _first_byte(client: httpx.AsyncClient, url: str, **kwargs: Any) -> tuple[float, int, int]:
    """(seconds to the first body byte, status, bytes read)."""
    started = time.perf_counter()
    first = None
    size = 0
    async with client.stream("GET", url, **kwargs) as response:
        async for chunk in response.aiter_raw():
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
    return (
        (first if first is not None else time.perf_counter() - started),
        response.status_code,
        size,
    )


@dataclass
class Probe:
    ttfb: float
    status: int
    ok: bool


async def _raw_get(
    port: int, path: str, range_header: str, pace_bytes_per_second: float, seconds: float
) -> Probe:
    """A GET over a bare socket (httpx would cost the load generator more CPU than the server
    spends): time to the first body byte, then the body read at a listener's pace for at most
    `seconds`, or whole when the pace is 0."""
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return Probe(time.perf_counter() - started, 0, False)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: bench\r\nRange: {range_header}\r\n\r\n"
        writer.write(request.encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split()[1])
        length = next(
            int(line.split(b":")[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        received = len(await reader.readexactly(1))
        ttfb = time.perf_counter() - started
        deadline = time.perf_counter() + seconds
        while received < length and (not pace_bytes_per_second or time.perf_counter() < deadline):
            chunk = await reader.read(64 * 1024)
            if not chunk:
                return Probe(ttfb, status, False)
            received += len(chunk)
            if pace_bytes_per_second:
                await asyncio.sleep(len(chunk) / pace_bytes_per_second)
        return Probe(ttfb, status, status == 206)
    except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
        return Probe(time.perf_counter() - started, 0, False)
    finally:
        writer.close()


async def _range_load(
    port: int, paths: list[str], size: int, listeners: int, health_path: str
) -> dict[str, float]:
    """`listeners` players start within 4 s, each streaming from a random point at 128 KB/s
    (a FLAC's rate) for 10 s; meanwhile a probe seeks (64 KiB Range requests) every 20 ms and
    another asks /api/health, the bare app stack, at the same rate."""
    rng = random.Random(1)

    async def listener(index: int) -> Probe:
        await asyncio.sleep(index * 4.0 / listeners)
        start = rng.randrange(0, size // 2)
        return await _raw_get(port, paths[index % len(paths)], f"bytes={start}-", 128_000, 10.0)

    seeks: list[Probe] = []
    health: list[float] = []

    async def prober() -> None:
        await asyncio.sleep(1.0)
        until = time.perf_counter() + 10.0
        while time.perf_counter() < until:
            start = rng.randrange(0, size - 65_536)
            path = paths[rng.randrange(len(paths))]
            seeks.append(await _raw_get(port, path, f"bytes={start}-{start + 65_535}", 0, 0))
            began = time.perf_counter()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {health_path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(1)
            health.append(time.perf_counter() - began)
            writer.close()
            await asyncio.sleep(0.02)

    started, _ = await asyncio.gather(
        asyncio.gather(*(listener(i) for i in range(listeners))), prober()
    )
    return {
        "listen_ttfb_p50_ms": statistics.median(p.ttfb for p in started) * 1000,
        "listen_ttfb_p99_ms": percentile([p.ttfb for p in started], 0.99) * 1000,
        "seek_ttfb_p50_ms": statistics.median(p.ttfb for p in seeks) * 1000,
        "seek_ttfb_p99_ms": percentile([p.ttfb for p in seeks], 0.99) * 1000,
        "health_ttfb_p99_ms": percentile(health, 0.99) * 1000,
        "range_errors": sum(1 for p in [*started, *seeks] if not p.ok),
    }


async def _measure(base: str, streams: int, transcodes: int, size: int) -> dict[str, float]:
    limits = httpx.Limits(max_connections=streams + 10, max_keepalive_connections=streams + 10)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        headers = await login(client)
        token = (await client.post("/api/stream-token/generate", headers=headers)).json()["token"]
        tracks = (await client.get("/api/tracks", params={"take": 50}, headers=headers)).json()
        ids = [track["id"] for track in tracks["data"]]

        port = int(base.rsplit(":", 1)[1])
        paths = [f"/api/tracks/{track_id}/stream?token={token}" for track_id in ids]
        figures = await _range_load(port, paths, size, streams, "/api/health")

        url = f"/api/tracks/{ids[0]}/stream"
        query = {"token": token, "format": "opus", "bitrate": 128}
        await _first_byte(client, url, params={**query, "offset": 1})  # warm-up
        firsts = []
        for sample in range(transcodes):
            # Each from another offset and read to the end: the cache is off, every one is live.
            first, status, _ = await _first_byte(
                client, url, params={**query, "offset": 30 + sample}
            )
            assert status == 200, status
            firsts.append(first)
        figures["transcode_ttfb_ms"] = statistics.median(firsts) * 1000
        figures["transcode_ttfb_max_ms"] = max(firsts) * 1000
        started = time.perf_counter()
        await _first_byte(client, url, params=query)
        figures["encoder_x_realtime"] = SECONDS / (time.perf_counter() - started)
    return figures


def _bare_encoder_speed() -> float:
    """PyAV alone, in this process, on the same file and settings."""
    from echo.features.streaming.transcoder import TranscodeJob, _Pipe, transcode

    fd = os.open(os.devnull, os.O_WRONLY)
    try:
        started = time.perf_counter()
        transcode(TranscodeJob(str(_source()), "opus", 128, 0.0), _Pipe(fd, None))
        return SECONDS / (time.perf_counter() - started)
    finally:
        os.close(fd)


def main() -> None:
    streams = int(os.environ.get("BENCH_STREAMS", "200"))
    transcodes = int(os.environ.get("BENCH_TRANSCODES", "8"))
    root = Path(tempfile.mkdtemp(prefix="echo-bench-streaming-"))
    env = serve_env(root, transcode_cache_mb="0")
    try:
        _library(root / "music")
        echo_music(env, root, "user", "create", "bench", "--admin", stdin=PASSWORD)
        echo_music(env, root, "scan")
        with serve(env, root) as (base, server):
            time.sleep(2)  # the transcoder starts in the background after startup
            figures = asyncio.run(_measure(base, streams, transcodes, _source().stat().st_size))
            figures["serve_rss_mb"] = rss_mb(server.pid)
        bare = _bare_encoder_speed()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    cores = os.cpu_count() or 1
    print(f"{streams} listeners streaming at once, {cores} cores, load generator in this process")
    print(f"{'figure':<24}{'value':>10}{'limit':>10}  ok")
    for name, value in figures.items():
        limit = TARGETS.get(name)
        higher_is_better = name == "encoder_x_realtime"
        ok = (
            ""
            if limit is None
            else ("yes" if (value >= limit if higher_is_better else value <= limit) else "NO")
        )
        shown = "" if limit is None else f"{limit:g}"
        print(f"{name:<24}{value:>10.1f}{shown:>10}  {ok}")
    print("seek TTFB p99 / /api/health TTFB p99 under the same load: "
          f"{figures['seek_ttfb_p99_ms'] / figures['health_ttfb_p99_ms']:.2f}")  # fmt: skip
    print(f"served encoder speed / bare PyAV in-process ({bare:.1f}x): "
          f"{figures['encoder_x_realtime'] / bare:.2f}")  # fmt: skip
