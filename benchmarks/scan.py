"""Scan benchmark: full scan and no-change rescan against the bare costs of the same work.

Builds (once, cached under benchmarks/.cache) a library of N distinct tagged files in five
formats, then measures in one run: walk+stat, bare parallel tag reading with mutagen, the full
scan and the no-change rescan on SQLite and on PostgreSQL, and the scan's peak memory.

    BENCH_SCAN_FILES=20000 python -m benchmarks scan
    BENCH_SCAN_BIG=100000  (optional) also scans that many files to compare peak memory
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from benchmarks.serving import drop_postgres, postgres_database

CACHE = Path(__file__).parent / ".cache"
FORMATS = ("mp3", "flac", "ogg", "opus", "m4a")
TARGETS = {
    "scan_vs_bare_parse": 0.50,  # full scan rate ≥ 50 % of bare parallel tag reading
    "rescan_seconds": 0.5,  # no-change rescan ≤ 0.5 s
    "postgres_vs_sqlite": 1.5,  # PostgreSQL full scan ≤ 1.5 × SQLite
    "peak_mb": 400,  # peak memory of the scan
    "big_vs_small_peak": 2.0,  # 100k-file peak ≤ 2 × 20k-file peak
}


def _template(fmt: str, folder: Path) -> Path:
    """A 1-second clip, encoded once per format with PyAV (the test fixtures' encoder)."""
    from tests.fixtures.audio import encode_clip

    return encode_clip(folder / f"template.{fmt}", fmt)


def _write_files(job: tuple[str, list[tuple[int, str]]]) -> None:
    import mutagen

    root, items = job
    templates = {fmt: Path(root, f".templates/template.{fmt}").read_bytes() for fmt in FORMATS}
    for index, fmt in items:
        artist, album = index // 240, index // 12
        folder = Path(root, f"Artist {artist:04d}", f"Album {album:05d}")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{index % 12 + 1:02d} Song {index:06d}.{fmt}"
        path.write_bytes(templates[fmt])
        tags = mutagen.File(path, easy=True)
        if tags.tags is None:
            tags.add_tags()
        tags["title"] = f"Song {index:06d}"
        tags["artist"] = f"Artist {artist:04d}"
        tags["album"] = f"Album {album:05d}"
        tags["tracknumber"] = str(index % 12 + 1)
        tags["genre"] = ["Rock", "Pop", "Jazz", "Folk"][album % 4]
        tags["date"] = str(1970 + album % 50)
        tags.save()


def build_library(count: int) -> Path:
    root = CACHE / f"library-{count}"
    done = root / ".complete"
    if done.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / ".templates").mkdir(parents=True)
    for fmt in FORMATS:
        _template(fmt, root / ".templates")
    items = [(i, FORMATS[i % len(FORMATS)]) for i in range(count)]
    jobs = [(str(root), items[i : i + 500]) for i in range(0, count, 500)]
    started = time.perf_counter()
    with ProcessPoolExecutor() as pool:
        list(pool.map(_write_files, jobs))
    print(f"built {count} files in {time.perf_counter() - started:.1f} s", flush=True)
    done.touch()
    return root


def _read_batch(paths: list[str]) -> int:
    import mutagen

    for path in paths:
        mutagen.File(path)
    return len(paths)


def bare_costs(root: Path) -> tuple[float, float, int]:
    """(walk+stat seconds, parallel tag-reading files/s, files)."""
    from echo.features.scanner.walk import walk

    started = time.perf_counter()
    entries = list(walk([str(root)]))
    walk_seconds = time.perf_counter() - started
    paths = [entry.path for entry in entries]
    batches = [paths[i : i + 200] for i in range(0, len(paths), 200)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        # An untimed pass first: the scans measured after this one find the files in the page
        # cache, so the bare rate must be measured warm too (a cold first pass flattered the ratio).
        list(pool.map(_read_batch, batches))
        started = time.perf_counter()
        total = sum(pool.map(_read_batch, batches))
    return walk_seconds, total / (time.perf_counter() - started), total


async def _child(database_url: str, library: str) -> dict[str, float]:
    """Runs in a fresh process so its peak memory belongs to the scan alone."""
    import logging

    from echo.bootstrap import build_services, close_services
    from echo.features.scanner import service
    from echo.migrations.runner import upgrade_async
    from echo.settings import Settings

    logging.basicConfig(level=logging.INFO, format="    %(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    data_dir = tempfile.mkdtemp(prefix="echo-bench-")
    settings = Settings(data_dir=Path(data_dir), library=[Path(library)], database_url=database_url)
    await upgrade_async(settings.database_url)
    services = await build_services(settings)
    try:
        # The bare rate is taken with a started pool; so is the scan (a server's pool starts once).
        workers = services.settings.scan_workers or os.cpu_count() or 1
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(services.cpu_pool, os.getpid) for _ in range(workers))
        )
        timings = {}
        for label in ("full", "rescan"):
            scan = await service.start_scan(services)
            started = time.perf_counter()
            result = await service.run(services, scan.id)
            timings[label] = time.perf_counter() - started
            timings[f"{label}_files"] = result.files_done
        return {
            **timings,
            "main_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        await close_services(services)
        shutil.rmtree(data_dir, ignore_errors=True)


def scan_in_child(database_url: str, library: Path) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.scan", "--child", database_url, str(library)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    figures: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    # The pool workers' peak (children of the child) is reported by the child's rusage.
    return figures


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    count = int(os.environ.get("BENCH_SCAN_FILES", "20000"))
    library = build_library(count)
    walk_seconds, parse_rate, files = bare_costs(library)
    print(f"files: {files}, cores: {os.cpu_count()}")
    print(f"bare walk+stat: {walk_seconds:.3f} s")
    print(f"bare parallel tag reading: {parse_rate:.0f} files/s")

    with tempfile.TemporaryDirectory() as folder:
        sqlite = scan_in_child(f"sqlite+aiosqlite:///{folder}/bench.db", library)
    pg_url, pg_name = postgres_database()
    try:
        postgres = scan_in_child(pg_url, library)
    finally:
        drop_postgres(pg_name)

    for label, figures in (("SQLite", sqlite), ("PostgreSQL", postgres)):
        rate = figures["full_files"] / figures["full"]
        share = rate / parse_rate
        # The rate target is the default setup's (SQLite); PostgreSQL's is the ratio below.
        rate_target = (
            f"target ≥ {TARGETS['scan_vs_bare_parse']:.0%}: "
            f"{_verdict(share >= TARGETS['scan_vs_bare_parse'])}"
            if label == "SQLite"
            else "target: within the ratio to SQLite below"
        )
        print(
            f"{label}: full scan {figures['full']:.1f} s = {rate:.0f} files/s "
            f"({share:.0%} of bare tag reading; {rate_target}); "
            f"no-change rescan {figures['rescan']:.3f} s = {figures['rescan'] / walk_seconds:.1f}× "
            f"walk+stat (target ≤ {TARGETS['rescan_seconds']} s: "
            f"{_verdict(figures['rescan'] <= TARGETS['rescan_seconds'])}); "
            f"peak memory {figures['main_peak_mb']:.0f} MB "
            f"(target ≤ {TARGETS['peak_mb']}: {_verdict(figures['main_peak_mb'] <= TARGETS['peak_mb'])})"
        )
    ratio = postgres["full"] / sqlite["full"]
    print(
        f"PostgreSQL ÷ SQLite full scan: {ratio:.2f}× (target ≤ {TARGETS['postgres_vs_sqlite']}: "
        f"{_verdict(ratio <= TARGETS['postgres_vs_sqlite'])})"
    )

    big = int(os.environ.get("BENCH_SCAN_BIG", "0"))
    if big:
        with tempfile.TemporaryDirectory() as folder:
            large = scan_in_child(f"sqlite+aiosqlite:///{folder}/big.db", build_library(big))
        growth = large["main_peak_mb"] / sqlite["main_peak_mb"]
        print(
            f"{big} files: peak {large['main_peak_mb']:.0f} MB = {growth:.2f}× the {count}-file peak "
            f"(target ≤ {TARGETS['big_vs_small_peak']}: {_verdict(growth <= 2)})"
        )


if __name__ == "__main__" and len(sys.argv) == 4 and sys.argv[1] == "--child":
    print(json.dumps(asyncio.run(_child(sys.argv[2], sys.argv[3]))))
