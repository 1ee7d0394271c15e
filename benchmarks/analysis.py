"""Analysis benchmark: loudness and DJ analysis per core against bare PyAV decoding of the same
files, and /api/health latency while a real `echo-music serve` analyses them.

    python -m benchmarks analysis
    BENCH_ANALYSIS_FILES=12 (four-minute files, MP3/FLAC/Opus in turn)  BENCH_ANALYSIS_RUNS=2

The files (cached under benchmarks/.cache) are synthesised music: a kick and hi-hat pattern at
a different tempo per file over a chord progression in a different key, so the tempo and key
code does real work. Single core, in this process, CPU time (`time.process_time`, every thread
of the process, the least of BENCH_ANALYSIS_RUNS runs per file: the machine is shared):

- bare PyAV decoding of every whole file (what loudness reads) and of every DJ segment;
- loudness as the pool runs it (`measure_file`: decode, resample to 48 kHz, measure) and the
  DJ analysis (`decode_segment`, then `analyze_dj`), each timed on its own;
- × real time per core for the decoding, the analysis beyond it and the total (limit ≥ 100×),
  and the total ÷ bare decoding.

Then `echo-music serve` (SQLite, defaults) scans the folder and runs its analysis queues while
a thread asks GET /api/health every 20 ms: p50/p99 before the scan (the idle baseline) and
during the scan and analysis (limit p99 ≤ 50 ms), and the pool's throughput.

Measured 2026-11-24 on the 2-core development box, shared with other work (load average 8 to
16 throughout, so every figure is noisy), 12 files, three runs:

- per core: 104×, 107× and 106× real time in total (loudness 214–227×, DJ segment decoding
  ~1720×, DJ analysis ~230×); bare decoding ~740×, so the total is ~7× bare decoding (MP3
  108–112×, FLAC 111–117×, Opus 94–98×: Opus decodes at 450×, half the speed of the others).
  Before this benchmark's optimisations the same kind of files gave 75× to 94×: the meter's
  FFT filtering took 0.8 s of CPU per track (now 0.5 s) and essentia's RhythmExtractor2013
  was configured for every track (0.12 s). What remains per four-minute track: 0.5 s meter,
  0.2–0.4 s decoding and resampling for it (measure.py), 0.7 s RhythmExtractor2013
  (multifeature), 0.15 s OnsetRate, 0.15 s the rest of the DJ analysis.
- serve: /api/health p99 idle 28, 206 and 15 ms; while analysing 172, 146 and 58 ms (p50
  3.5–6.4 ms idle, 5.9–8.4 ms busy; 2200–3000 requests a run). The quietest run (load 8–9)
  came closest to the 50 ms limit; in the others the idle baseline itself missed it, so the
  limit could not be checked on this box. A py-spy profile of serve during a 3-file run
  showed its main thread busy ~23 % of the time, nearly all on requests (health, the status
  polling, login), the analysis only in unpickling the pool's results (~1 %); the pool's
  throughput was 22–41× real time per analysis process in wall-clock time, its process
  getting a fair share of two cores among 8–15 runnable ones.
"""

from __future__ import annotations

import asyncio
import math
import os
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.serving import PASSWORD, echo_music, login, percentile, serve, serve_env

CACHE = Path(__file__).parent / ".cache"
SECONDS = 240.0
FORMATS = ("mp3", "flac", "opus")
TEMPI = (124.0, 90.0, 174.0, 128.0, 100.0, 140.0, 110.0, 120.0)
TARGETS = {"x_realtime_per_core": 100.0, "health_p99_ms": 50.0}
PROBE_INTERVAL = 0.02


def _write_track(job: tuple[str, int]) -> None:
    """One four-minute track: drums at its tempo, two-bar chords of I–IV–V–I in its key."""
    import numpy as np
    from tests.fixtures.music import RATE, chord_progression, drum_track, encode
    from tests.fixtures.tagging import tag_file

    root, index = job
    fmt, bpm = FORMATS[index % len(FORMATS)], TEMPI[index % len(TEMPI)]
    tonic, minor = index * 7 % 12, index % 2 == 1
    drums = drum_track(bpm, SECONDS)
    chord = 2 * 4 * 60 / bpm
    repeats = math.ceil(SECONDS / (4 * chord))
    chords = chord_progression(tonic, minor, chord_seconds=chord, repeats=repeats)[: drums.size]
    stereo = np.stack([0.55 * drums + 0.45 * chords, 0.45 * drums + 0.55 * chords])
    album = index // 4 + 1
    path = Path(root, f"Album {album:02d}", f"{index % 4 + 1:02d} Track {index + 1:03d}.{fmt}")
    scratch = path.with_name(f".{path.name}")
    encode(scratch, stereo.astype(np.float32), RATE, fmt)
    tag_file(
        scratch, title=f"Track {index + 1}", artist="Bench Band", album_artist="Bench Band",
        album=f"Bench Album {album}", track_number=str(index % 4 + 1),
    )  # fmt: skip
    scratch.replace(path)


def build_library(count: int) -> Path:
    root = CACHE / f"analysis-{count}"
    done = root / ".complete"
    if not done.exists():
        root.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        with ProcessPoolExecutor() as pool:
            list(pool.map(_write_track, [(str(root), index) for index in range(count)]))
        print(f"synthesised {count} files in {time.perf_counter() - started:.0f} s", flush=True)
        done.touch()
    return root


def _bare_decode(path: str, start: float = 0.0, seconds: float = math.inf) -> None:
    """PyAV alone: every frame of the stream from `start` for `seconds`, nothing done with it."""
    import av

    with av.open(path) as container:
        stream = container.streams.audio[0]
        if start > 0:
            container.seek(int(start * av.time_base), backward=True, any_frame=False)
        for frame in container.decode(stream):
            if frame.time is not None and frame.time >= start + seconds:
                break


def _segment_start(path: str) -> float:
    """Where `decode_segment` starts its window (15 % in, a full window when it fits)."""
    import av

    from echo.features.analysis.dj import SEGMENT_SECONDS, SEGMENT_START

    with av.open(path) as container:
        duration = (container.duration or 0) / av.time_base
    return max(0.0, min(duration * SEGMENT_START, duration - SEGMENT_SECONDS))


def _cpu(fn: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    started = time.process_time()
    result = fn(*args)
    return time.process_time() - started, result


STAGES = ("bare_whole", "bare_segment", "loudness", "dj_decode", "dj_analysis")


def single_core(paths: list[Path], runs: int) -> dict[str, dict[str, float]]:
    """CPU seconds per stage, summed over the files of each format (least of `runs` per file)."""
    from echo.features.analysis.dj import SEGMENT_SECONDS, analyze_dj, decode_segment
    from echo.features.analysis.measure import measure_file

    def stages(path: str) -> dict[str, float]:
        start = _segment_start(path)
        bare_whole, _ = _cpu(_bare_decode, path)
        # The decoder reads a second more than the window, as decode_segment does.
        bare_segment, _ = _cpu(_bare_decode, path, start, SEGMENT_SECONDS + 1)
        loudness, measured = _cpu(measure_file, path)
        dj_decode, (samples, rate) = _cpu(decode_segment, path)
        dj_analysis, features = _cpu(analyze_dj, samples, rate)
        assert getattr(measured, "integrated", None) is not None, measured
        assert features.bpm is not None and features.key is not None, features
        return {
            "bare_whole": bare_whole, "bare_segment": bare_segment, "loudness": loudness,
            "dj_decode": dj_decode, "dj_analysis": dj_analysis,
        }  # fmt: skip

    stages(str(paths[0]))  # imports essentia and builds what every later file reuses
    totals: dict[str, dict[str, float]] = {}
    for path in paths:
        best = [stages(str(path)) for _ in range(runs)]
        figures = totals.setdefault(path.suffix[1:], dict.fromkeys([*STAGES, "files"], 0.0))
        for stage in STAGES:
            figures[stage] += min(run[stage] for run in best)
        figures["files"] += 1
    return totals


@dataclass
class Probe:
    """GET /api/health every PROBE_INTERVAL from its own thread: (start time, seconds)."""

    base: str
    samples: list[tuple[float, float]] = field(default_factory=list)
    errors: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=10) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get("/api/health").status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    self.samples.append((started, time.perf_counter() - started))
                else:
                    self.errors += 1
                self._stop.wait(PROBE_INTERVAL)

    def stop(self) -> None:
        self._stop.set()

    def between(self, start: float, end: float) -> list[float]:
        return [seconds for at, seconds in self.samples if start <= at < end]


async def _poll(
    client: httpx.AsyncClient, url: str, headers: dict[str, str],
    done: Callable[[dict[str, Any]], bool], seconds: float, every: float,
) -> None:  # fmt: skip
    deadline = time.perf_counter() + seconds
    while True:
        body = (await client.get(url, headers=headers)).json()
        if done(body):
            return
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{url} still unfinished after {seconds:g} s: {body}")
        await asyncio.sleep(every)


async def _analyse_in_serve(base: str, count: int) -> dict[str, float]:
    """Waits 5 s (the idle baseline), starts a scan, waits for it and for every analysis queue
    to finish; the perf_counter time of each step."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = await login(client)
        await asyncio.sleep(2)  # serve starts its transcoder and queues in the background
        marks = {"idle": time.perf_counter()}
        await asyncio.sleep(5)
        marks["scan"] = time.perf_counter()
        started = await client.post("/api/scanner/start", json={}, headers=headers)
        started.raise_for_status()
        finished = ("completed", "failed", "cancelled")
        url = f"/api/scanner/{started.json()['id']}"
        await _poll(client, url, headers, lambda scan: scan["status"] in finished, 600, 0.25)
        marks["scanned"] = time.perf_counter()
        # The DJ queue is measured when this server has one (404 before it landed).
        queues = ["lufs"]
        if (await client.get("/api/scanner/dj-status", headers=headers)).status_code == 200:
            queues.append("dj")
        for queue in queues:
            await _poll(
                client, f"/api/scanner/{queue}-status", headers,
                lambda s: s["pendingTracks"] == 0 and s["processedInSession"] >= count,
                60 * count, 1.0,
            )  # fmt: skip
            marks[queue] = time.perf_counter()
        marks["done"] = time.perf_counter()
        return marks


def responsiveness(library: Path, count: int) -> tuple[dict[str, float], Probe]:
    root = Path(tempfile.mkdtemp(prefix="echo-bench-analysis-"))
    env = serve_env(root, library=str(library))
    try:
        echo_music(env, root, "user", "create", "bench", "--admin", stdin=PASSWORD)
        with serve(env, root) as (base, _):
            probe = Probe(base)
            thread = threading.Thread(target=probe.run, daemon=True)
            thread.start()
            try:
                marks = asyncio.run(_analyse_in_serve(base, count))
            finally:
                probe.stop()
                thread.join()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return marks, probe


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    count = int(os.environ.get("BENCH_ANALYSIS_FILES", "12"))
    runs = int(os.environ.get("BENCH_ANALYSIS_RUNS", "2"))
    library = build_library(count)
    paths = sorted(path for path in library.rglob("*") if path.suffix[1:] in FORMATS)
    cores = os.cpu_count() or 1

    totals = single_core(paths, runs)
    audio = SECONDS * count
    mix = ", ".join(f"{int(figures['files'])} {fmt}" for fmt, figures in totals.items())
    print(f"{count} files of {SECONDS / 60:.0f} min ({mix}); CPU time of one process, least of "
          f"{runs} runs per file; {cores} shared cores, so figures are noisy")  # fmt: skip
    every = {stage: sum(f[stage] for f in totals.values()) for stage in STAGES}
    decoding = every["bare_whole"] + every["bare_segment"]
    total = every["loudness"] + every["dj_decode"] + every["dj_analysis"]
    rows = [
        ("bare PyAV decoding, whole files", every["bare_whole"]),
        ("bare PyAV decoding, DJ segments", every["bare_segment"]),
        ("loudness (measure_file)", every["loudness"]),
        ("DJ segment (decode_segment)", every["dj_decode"]),
        ("DJ analysis (analyze_dj)", every["dj_analysis"]),
        ("decoding (bare, both)", decoding),
        ("analysis (total − bare decoding)", total - decoding),
        ("total (loudness + DJ)", total),
    ]
    print(f"{'stage':<36}{'CPU s':>8}{'× real time/core':>18}")
    for label, seconds in rows:
        print(f"{label:<36}{seconds:>8.2f}{audio / seconds:>18.0f}")
    speed = audio / total
    limit = TARGETS["x_realtime_per_core"]
    print(f"total: {speed:.0f}× real time per core (limit ≥ {limit:g}: {_verdict(speed >= limit)}); "
          f"total ÷ bare decoding: {total / decoding:.1f}×")  # fmt: skip
    for fmt, figures in totals.items():
        seconds = SECONDS * figures["files"]
        fmt_total = figures["loudness"] + figures["dj_decode"] + figures["dj_analysis"]
        fmt_decoding = figures["bare_whole"] + figures["bare_segment"]
        print(f"  {fmt:<5} total {seconds / fmt_total:>5.0f}× real time, bare decoding "
              f"{seconds / fmt_decoding:>5.0f}×, total ÷ bare decoding {fmt_total / fmt_decoding:.1f}×")  # fmt: skip

    load = os.getloadavg()[0]
    marks, probe = responsiveness(library, count)
    idle = probe.between(marks["idle"], marks["scan"])
    busy = probe.between(marks["scan"], marks["done"])
    p99 = percentile(busy, 0.99) * 1000
    workers = max(1, cores // 2)  # serve's default analysis concurrency
    queues = [queue for queue in ("lufs", "dj") if queue in marks]
    analysed = marks["done"] - marks["scanned"]
    print(f"load average {load:.1f} before and {os.getloadavg()[0]:.1f} after the serve run")
    print(f"serve (SQLite), {workers} analysis process(es); scan {marks['scanned'] - marks['scan']:.1f} s, "
          f"then {' + '.join(queues)} analysis of {count} files {analysed:.1f} s = "
          f"{audio / analysed / workers:.0f}× real time per analysis process (wall clock)")  # fmt: skip
    print(
        f"GET /api/health idle:  p50 {statistics.median(idle) * 1000:.1f} ms, "
        f"p99 {percentile(idle, 0.99) * 1000:.1f} ms ({len(idle)} requests)"
    )
    print(f"GET /api/health busy:  p50 {statistics.median(busy) * 1000:.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(busy) * 1000:.1f} ms ({len(busy)} requests, {probe.errors} errors); "
          f"limit p99 ≤ {TARGETS['health_p99_ms']:g} ms: {_verdict(p99 <= TARGETS['health_p99_ms'])}; "
          f"busy p99 ÷ idle p99 {p99 / (percentile(idle, 0.99) * 1000):.1f}")  # fmt: skip
