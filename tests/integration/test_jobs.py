"""Both job-queue adapters, real ones: asyncio queues, and saq on the local Redis."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from redis.asyncio import Redis

from echo.core.jobs import InProcessJobQueue, JobQueue, QueueStats, RedisJobQueue
from tests.conftest import REDIS_URL, _require_redis

KINDS = ("in-process", "redis")


async def _delete_keys(prefix: str) -> None:
    client = Redis.from_url(REDIS_URL)
    try:
        # saq names its keys saq:<queue>:… and saq:job:<queue>:…, our queues are <prefix><name>.
        patterns = (f"{prefix}*", f"saq:{prefix}*", f"saq:job:{prefix}*")
        keys = [key for pattern in patterns async for key in client.scan_iter(match=pattern)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    await _require_redis()
    prefix = f"echo-test:{uuid.uuid4().hex[:10]}:"
    yield prefix
    await _delete_keys(prefix)


@pytest.fixture(params=KINDS)
async def jobs(request: pytest.FixtureRequest, redis_prefix: str) -> AsyncIterator[JobQueue]:
    queue: JobQueue
    if request.param == "in-process":
        queue = InProcessJobQueue()
    else:
        queue = RedisJobQueue(REDIS_URL, redis_prefix)
    try:
        yield queue
    finally:
        await queue.close()


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


async def stats_of(jobs: JobQueue, name: str) -> QueueStats:
    return next(stats for stats in await jobs.stats() if stats.name == name)


def stats_become(jobs: JobQueue, expected: QueueStats) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await stats_of(jobs, expected.name) == expected

    return check


async def test_a_registered_handler_runs_every_enqueued_job_with_its_payload(
    jobs: JobQueue,
) -> None:
    seen: list[dict[str, Any]] = []

    async def handler(payload: dict[str, Any]) -> None:
        seen.append(payload)

    jobs.register("library-scan", handler)
    await jobs.start_consumers()
    ids = [await jobs.enqueue("library-scan", {"n": n, "path": f"/music/{n}"}) for n in range(3)]

    await eventually(stats_become(jobs, QueueStats("library-scan", 0, 0, 3, 0)))
    assert seen == [{"n": n, "path": f"/music/{n}"} for n in range(3)]
    assert len(set(ids)) == 3


async def test_a_failing_handler_is_retried_with_exponential_backoff_until_it_succeeds(
    jobs: JobQueue,
) -> None:
    attempts: list[float] = []

    async def flaky(payload: dict[str, Any]) -> None:
        attempts.append(time.monotonic())
        if len(attempts) < 3:
            raise RuntimeError(f"attempt {len(attempts)} fails")

    jobs.register("lufs-analysis", flaky, attempts=3, backoff_seconds=0.3)
    await jobs.start_consumers()
    await jobs.enqueue("lufs-analysis", {"trackId": "t1"})

    await eventually(stats_become(jobs, QueueStats("lufs-analysis", 0, 0, 1, 0)))
    assert len(attempts) == 3
    first_gap, second_gap = attempts[1] - attempts[0], attempts[2] - attempts[1]
    assert first_gap >= 0.3
    assert second_gap >= 0.6


async def test_a_job_failing_every_attempt_counts_as_failed_and_the_consumer_goes_on(
    jobs: JobQueue,
) -> None:
    calls: list[str] = []

    async def handler(payload: dict[str, Any]) -> None:
        calls.append(payload["name"])
        if payload["name"] == "corrupt":
            raise ValueError("cannot decode")

    jobs.register("dj-analysis", handler, attempts=2, backoff_seconds=0.05)
    await jobs.start_consumers()
    await jobs.enqueue("dj-analysis", {"name": "corrupt"})
    await eventually(stats_become(jobs, QueueStats("dj-analysis", 0, 0, 0, 1)))
    await jobs.enqueue("dj-analysis", {"name": "fine"})

    await eventually(stats_become(jobs, QueueStats("dj-analysis", 0, 0, 1, 1)))
    assert calls == ["corrupt", "corrupt", "fine"]


async def test_each_queue_runs_no_more_jobs_at_once_than_its_concurrency(jobs: JobQueue) -> None:
    running = {"library-scan": 0, "dj-analysis": 0}
    peak = {"library-scan": 0, "dj-analysis": 0}
    limits = {"library-scan": 1, "dj-analysis": 3}
    full = {"library-scan": asyncio.Event(), "dj-analysis": asyncio.Event()}

    def tracking(queue: str) -> Callable[[dict[str, Any]], Awaitable[None]]:
        async def handler(payload: dict[str, Any]) -> None:
            running[queue] += 1
            peak[queue] = max(peak[queue], running[queue])
            if peak[queue] >= limits[queue]:
                full[queue].set()
            # Until a queue has shown its concurrency, its jobs wait for each other (bounded),
            # so a loaded machine cannot make the peak look lower than it is.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(full[queue].wait(), timeout=5)
            await asyncio.sleep(0.05)
            running[queue] -= 1

        return handler

    jobs.register("library-scan", tracking("library-scan"), concurrency=1)
    jobs.register("dj-analysis", tracking("dj-analysis"), concurrency=3)
    for n in range(4):
        await jobs.enqueue("library-scan", {"n": n})
        await jobs.enqueue("dj-analysis", {"n": n})
    await jobs.start_consumers()

    await eventually(stats_become(jobs, QueueStats("library-scan", 0, 0, 4, 0)))
    await eventually(stats_become(jobs, QueueStats("dj-analysis", 0, 0, 4, 0)))
    assert peak["library-scan"] == 1
    assert peak["dj-analysis"] == 3


async def test_a_key_deduplicates_a_job_that_has_not_finished(jobs: JobQueue) -> None:
    runs: list[dict[str, Any]] = []
    release = asyncio.Event()

    async def handler(payload: dict[str, Any]) -> None:
        runs.append(payload)
        await release.wait()

    jobs.register("scanner", handler)
    first = await jobs.enqueue("scanner", {"paths": ["/a"]}, key="incremental")
    again = await jobs.enqueue("scanner", {"paths": ["/b"]}, key="incremental")
    other = await jobs.enqueue("scanner", {"paths": ["/c"]}, key="other")
    assert first == again == "incremental"
    assert other == "other"
    assert await stats_of(jobs, "scanner") == QueueStats("scanner", 2, 0, 0, 0)

    await jobs.start_consumers()
    await eventually(stats_become(jobs, QueueStats("scanner", 1, 1, 0, 0)))
    # While it runs, the key still stands for that job.
    assert await jobs.enqueue("scanner", {"paths": ["/d"]}, key="incremental") == "incremental"
    release.set()
    await eventually(stats_become(jobs, QueueStats("scanner", 0, 0, 2, 0)))
    assert runs == [{"paths": ["/a"]}, {"paths": ["/c"]}]

    # Once finished, the same key is a new job.
    await jobs.enqueue("scanner", {"paths": ["/e"]}, key="incremental")
    await eventually(stats_become(jobs, QueueStats("scanner", 0, 0, 3, 0)))
    assert runs[-1] == {"paths": ["/e"]}


async def test_draining_drops_the_waiting_jobs_and_frees_their_keys(jobs: JobQueue) -> None:
    runs: list[int] = []
    release = asyncio.Event()

    async def handler(payload: dict[str, Any]) -> None:
        runs.append(payload["n"])
        await release.wait()

    jobs.register("dj-analysis", handler)
    jobs.register("lufs-analysis", handler)
    for n in range(4):
        await jobs.enqueue("dj-analysis", {"n": n}, key=f"dj:{n}")
    await jobs.enqueue("lufs-analysis", {"n": 9})
    await jobs.start_consumers()
    await eventually(stats_become(jobs, QueueStats("dj-analysis", 3, 1, 0, 0)))

    assert await jobs.drain("dj-analysis") == 3
    assert await stats_of(jobs, "dj-analysis") == QueueStats("dj-analysis", 0, 1, 0, 0)
    # A drained key is free again; the running job's key still stands for it.
    assert await jobs.enqueue("dj-analysis", {"n": 5}, key="dj:1") == "dj:1"
    assert await jobs.enqueue("dj-analysis", {"n": 6}, key="dj:0") == "dj:0"
    release.set()
    await eventually(stats_become(jobs, QueueStats("dj-analysis", 0, 0, 2, 0)))
    await eventually(stats_become(jobs, QueueStats("lufs-analysis", 0, 0, 1, 0)))
    assert sorted(runs) == [0, 5, 9]
    assert await jobs.drain("dj-analysis") == 0


async def test_stats_count_waiting_and_active_jobs_while_they_run(jobs: JobQueue) -> None:
    release = asyncio.Event()

    async def handler(payload: dict[str, Any]) -> None:
        await release.wait()

    jobs.register("library-scan", handler)
    jobs.register("lufs-analysis", handler)
    for n in range(3):
        await jobs.enqueue("library-scan", {"n": n})
    await jobs.start_consumers()

    await eventually(stats_become(jobs, QueueStats("library-scan", 2, 1, 0, 0)))
    assert await stats_of(jobs, "lufs-analysis") == QueueStats("lufs-analysis", 0, 0, 0, 0)
    release.set()
    await eventually(stats_become(jobs, QueueStats("library-scan", 0, 0, 3, 0)))


async def test_a_handler_running_past_its_timeout_is_stopped_and_counted_failed(
    jobs: JobQueue,
) -> None:
    finished: list[bool] = []

    async def slow(payload: dict[str, Any]) -> None:
        await asyncio.sleep(30)
        finished.append(True)

    jobs.register("dj-analysis", slow, attempts=1, timeout_seconds=1)
    await jobs.start_consumers()
    await jobs.enqueue("dj-analysis", {})

    await eventually(stats_become(jobs, QueueStats("dj-analysis", 0, 0, 0, 1)), within=10)
    assert finished == []


async def test_enqueueing_to_an_unknown_queue_or_a_payload_that_is_not_json_is_refused(
    jobs: JobQueue,
) -> None:
    async def handler(payload: dict[str, Any]) -> None:
        pass

    jobs.register("library-scan", handler)
    with pytest.raises(ValueError, match="library-scna"):
        await jobs.enqueue("library-scna", {})
    with pytest.raises(TypeError):
        await jobs.enqueue("library-scan", {"when": time})
    with pytest.raises(ValueError, match="already registered"):
        jobs.register("library-scan", handler)


async def test_a_job_enqueued_by_a_serve_process_runs_in_a_separate_worker(
    redis_prefix: str,
) -> None:
    """The scale-out split: one queue object only enqueues, another one consumes."""
    done = asyncio.Event()
    seen: list[dict[str, Any]] = []

    async def handler(payload: dict[str, Any]) -> None:
        seen.append(payload)
        done.set()

    async def unused(payload: dict[str, Any]) -> None:
        raise AssertionError("the serving side never runs jobs")

    serving = RedisJobQueue(REDIS_URL, redis_prefix)
    worker = RedisJobQueue(REDIS_URL, redis_prefix)
    serving.register("library-scan", unused)
    worker.register("library-scan", handler)
    try:
        await worker.start_consumers()
        job_id = await serving.enqueue("library-scan", {"full": True})
        await asyncio.wait_for(done.wait(), 10)
        await eventually(stats_become(serving, QueueStats("library-scan", 0, 0, 1, 0)))
    finally:
        await serving.close()
        await worker.close()
    assert seen == [{"full": True}]
    assert job_id


async def test_a_job_running_when_its_worker_stops_goes_back_to_the_queue_for_the_next_worker(
    redis_prefix: str,
) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def endless(payload: dict[str, Any]) -> None:
        started.set()
        await asyncio.sleep(3600)

    async def quick(payload: dict[str, Any]) -> None:
        finished.append(payload["path"])

    first = RedisJobQueue(REDIS_URL, redis_prefix)
    first.register("scanner", endless, backoff_seconds=0.1)
    await first.start_consumers()
    await first.enqueue("scanner", {"path": "/music/a.flac"})
    await asyncio.wait_for(started.wait(), 10)
    stopping = time.monotonic()
    await first.close()
    assert time.monotonic() - stopping < 5

    second = RedisJobQueue(REDIS_URL, redis_prefix)
    second.register("scanner", quick, backoff_seconds=0.1)
    try:
        assert await stats_of(second, "scanner") == QueueStats("scanner", 1, 0, 0, 0)
        await second.start_consumers()
        await eventually(stats_become(second, QueueStats("scanner", 0, 0, 1, 0)))
    finally:
        await second.close()
    assert finished == ["/music/a.flac"]
