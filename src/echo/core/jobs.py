"""Job queues: asyncio queues inside `serve`, or saq on Redis consumed by `echo-music worker`."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from saq import Job, Worker
from saq.job import Status
from saq.queue.redis import RedisQueue
from saq.types import Context, PartialTimersDict

from echo.core.redis import REDIS_ERRORS

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
Q = TypeVar("Q")

# A job whose worker stops touching it for this long is taken to be orphaned (worker killed)
# and is put back in the queue by another worker's sweep.
HEARTBEAT_SECONDS = 60
SWEEP_SECONDS = 30
STOP_GRACE_SECONDS = 10


@dataclass(frozen=True)
class JobOptions:
    concurrency: int = 1
    attempts: int = 3
    timeout_seconds: float = 3600.0
    backoff_seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.attempts < 1 or self.timeout_seconds <= 0:
            raise ValueError(f"Invalid job options: {self}")

    def delay_after(self, attempt: int) -> float:
        """Exponential backoff: the delay doubles after each failed attempt."""
        return float(self.backoff_seconds * 2 ** (attempt - 1))


@dataclass(frozen=True)
class QueueStats:
    name: str
    waiting: int
    active: int
    completed: int
    failed: int


class JobQueue(Protocol):
    def register(
        self,
        queue: str,
        handler: Handler,
        *,
        concurrency: int = 1,
        attempts: int = 3,
        timeout_seconds: float = 3600.0,
        backoff_seconds: float = 2.0,
    ) -> None:
        """Declare a queue and the handler that consumes it; every process that enqueues to
        or consumes a queue registers it, so both sides agree on attempts and timeouts."""

    async def enqueue(self, queue: str, payload: dict[str, Any], *, key: str | None = None) -> str:
        """Add a job and return its id. With `key`, a job of that key not finished yet
        (waiting, running or waiting for a retry) makes this a no-op returning the same id."""

    async def start_consumers(self) -> None:
        """Run the handlers of every registered queue in this process."""

    async def drain(self, queue: str) -> int:
        """Drop the jobs of `queue` waiting to run and return how many; running jobs finish,
        and a job waiting for a retry may still run (handlers check their work is still due)."""

    async def stats(self) -> list[QueueStats]: ...

    async def close(self) -> None: ...


def _json_payload(payload: dict[str, Any]) -> dict[str, Any]:
    # A copy through JSON: the in-process queue accepts exactly what Redis would.
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    return copy


@dataclass
class _LocalJob:
    id: str
    payload: dict[str, Any]
    attempts: int = 0


@dataclass
class _LocalQueue:
    name: str
    handler: Handler
    options: JobOptions
    waiting: asyncio.Queue[_LocalJob] = field(default_factory=asyncio.Queue)
    unfinished: set[str] = field(default_factory=set)
    retrying: int = 0
    active: int = 0
    completed: int = 0
    failed: int = 0


class InProcessJobQueue:
    """Jobs live in memory and die with the process; the work they stand for is derivable from
    the database, so whatever a restart drops is found again by the next scan or analysis."""

    def __init__(self) -> None:
        self._queues: dict[str, _LocalQueue] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._consuming = False
        self._closed = False

    def register(
        self,
        queue: str,
        handler: Handler,
        *,
        concurrency: int = 1,
        attempts: int = 3,
        timeout_seconds: float = 3600.0,
        backoff_seconds: float = 2.0,
    ) -> None:
        if queue in self._queues:
            raise ValueError(f"Queue {queue!r} is already registered")
        options = JobOptions(concurrency, attempts, timeout_seconds, backoff_seconds)
        self._queues[queue] = _LocalQueue(queue, handler, options)
        if self._consuming:
            self._start(self._queues[queue])

    async def enqueue(self, queue: str, payload: dict[str, Any], *, key: str | None = None) -> str:
        if self._closed:
            raise RuntimeError("The job queue is closed")
        target = _registered(self._queues, queue)
        job_id = key or uuid.uuid4().hex
        if job_id in target.unfinished:
            return job_id
        target.unfinished.add(job_id)
        target.waiting.put_nowait(_LocalJob(job_id, _json_payload(payload)))
        return job_id

    async def start_consumers(self) -> None:
        if self._consuming:
            return
        self._consuming = True
        for queue in self._queues.values():
            self._start(queue)

    async def drain(self, queue: str) -> int:
        target = _registered(self._queues, queue)
        dropped = 0
        while not target.waiting.empty():
            job = target.waiting.get_nowait()
            target.unfinished.discard(job.id)
            dropped += 1
        return dropped

    def _start(self, queue: _LocalQueue) -> None:
        for _ in range(queue.options.concurrency):
            self._spawn(self._consume(queue))

    def _spawn(self, work: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _consume(self, queue: _LocalQueue) -> None:
        while True:
            job = await queue.waiting.get()
            queue.active += 1
            try:
                await self._run(queue, job)
            finally:
                queue.active -= 1

    async def _run(self, queue: _LocalQueue, job: _LocalJob) -> None:
        job.attempts += 1
        options = queue.options
        try:
            async with asyncio.timeout(options.timeout_seconds):
                await queue.handler(job.payload)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # we are being stopped
            error: BaseException = RuntimeError("the handler was cancelled")
        except Exception as exc:
            error = exc
        else:
            queue.completed += 1
            queue.unfinished.discard(job.id)
            return
        if job.attempts < options.attempts:
            delay = options.delay_after(job.attempts)
            log.warning(
                "Job %s on %s failed (attempt %d of %d), retrying in %.1f s: %r",
                job.id,
                queue.name,
                job.attempts,
                options.attempts,
                delay,
                error,
            )
            queue.retrying += 1
            self._spawn(self._retry_later(queue, job, delay))
        else:
            log.error(
                "Job %s on %s failed after %d attempts",
                job.id,
                queue.name,
                job.attempts,
                exc_info=error,
            )
            queue.failed += 1
            queue.unfinished.discard(job.id)

    async def _retry_later(self, queue: _LocalQueue, job: _LocalJob, delay: float) -> None:
        try:
            await asyncio.sleep(delay)
        finally:
            queue.retrying -= 1
        queue.waiting.put_nowait(job)

    async def stats(self) -> list[QueueStats]:
        return [
            QueueStats(q.name, q.waiting.qsize() + q.retrying, q.active, q.completed, q.failed)
            for q in self._queues.values()
        ]

    async def close(self) -> None:
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _registered(queues: dict[str, Q], name: str) -> Q:
    try:
        return queues[name]
    except KeyError:
        raise ValueError(f"No job queue named {name!r} is registered") from None


@dataclass
class _RedisQueue:
    name: str
    handler: Handler
    options: JobOptions
    saq: RedisQueue
    counters: str


class RedisJobQueue:
    """saq queues named `<prefix><queue>`; `serve` only enqueues, `echo-music worker` consumes.

    Concurrency is per consuming process: two workers run up to twice a queue's concurrency, so
    work that must run once across the installation (a full scan) takes a lock of its own.
    """

    def __init__(self, url: str, prefix: str) -> None:
        self._url = url
        self._prefix = prefix
        self._queues: dict[str, _RedisQueue] = {}
        self._workers: list[Worker[Context]] = []
        self._running: list[asyncio.Task[None]] = []

    def register(
        self,
        queue: str,
        handler: Handler,
        *,
        concurrency: int = 1,
        attempts: int = 3,
        timeout_seconds: float = 3600.0,
        backoff_seconds: float = 2.0,
    ) -> None:
        if queue in self._queues:
            raise ValueError(f"Queue {queue!r} is already registered")
        options = JobOptions(concurrency, attempts, timeout_seconds, backoff_seconds)
        # One client per queue: each consumer blocks a connection while it waits for work.
        backend = _PatientRedisQueue.from_url(self._url, name=f"{self._prefix}{queue}")
        counters = f"{self._prefix}jobs:{queue}:"
        self._queues[queue] = _RedisQueue(queue, handler, options, backend, counters)

    async def enqueue(self, queue: str, payload: dict[str, Any], *, key: str | None = None) -> str:
        target = _registered(self._queues, queue)
        job_id = key or uuid.uuid4().hex
        options = target.options
        await target.saq.enqueue(
            Job(
                function=queue,
                kwargs={"payload": _json_payload(payload)},
                key=job_id,
                timeout=max(1, math.ceil(options.timeout_seconds)),
                heartbeat=HEARTBEAT_SECONDS,
                retries=options.attempts,
                retry_delay=options.backoff_seconds,
            )
        )
        return job_id

    async def start_consumers(self) -> None:
        if self._workers:
            return
        for queue in self._queues.values():
            await queue.saq.connect()
            worker: Worker[Context] = Worker(
                queue.saq,
                functions=[(queue.name, _saq_function(queue))],
                concurrency=queue.options.concurrency,
                after_process=_counter(queue),
                timers=PartialTimersDict(schedule=1, worker_info=10, sweep=SWEEP_SECONDS, abort=1),
                shutdown_grace_period_s=STOP_GRACE_SECONDS,
            )
            # The worker process handles SIGTERM/SIGINT once for all queues; saq would install
            # one handler per Worker, each replacing the previous one.
            worker.SIGNALS = []
            self._workers.append(worker)
            self._running.append(asyncio.create_task(worker.start()))

    async def drain(self, queue: str) -> int:
        target = _registered(self._queues, queue)
        saq = target.saq
        # One script, so no consumer takes a job between reading the list and deleting it.
        script = saq.redis.register_script(_DRAIN_SCRIPT)
        dropped = await script(keys=[saq._incomplete, saq._queued], client=saq.redis)
        return int(dropped or 0)

    async def stats(self) -> list[QueueStats]:
        result = []
        for queue in self._queues.values():
            redis = queue.saq.redis
            incomplete = await queue.saq.count("incomplete")
            active = await queue.saq.count("active")
            completed, failed = await redis.mget(
                [f"{queue.counters}completed", f"{queue.counters}failed"]
            )
            result.append(
                QueueStats(
                    queue.name,
                    waiting=incomplete - active,
                    active=active,
                    completed=int(completed or 0),
                    failed=int(failed or 0),
                )
            )
        return result

    async def close(self) -> None:
        # Running handlers are cancelled at once and saq puts their jobs back in the queue for
        # the next worker; handlers are idempotent, so nothing is lost. saq's stop() would
        # first wait out its grace period on the idle upkeep tasks, then warn.
        for worker in self._workers:
            worker.event.set()
            for task in list(worker.tasks):
                task.cancel()
        for worker in self._workers:
            await worker.stop()
        await asyncio.gather(*self._running, return_exceptions=True)
        for queue in self._queues.values():
            await queue.saq.disconnect()
        self._workers.clear()
        self._running.clear()


# saq keeps a job's id in `queued` (a list, taken by consumers) and `incomplete` (a sorted set
# that also makes a key unique); the id names the job's data. Dropping all three forgets it.
_DRAIN_SCRIPT = """
local ids = redis.call('LRANGE', KEYS[2], 0, -1)
for _, id in ipairs(ids) do
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', id)
end
redis.call('DEL', KEYS[2])
return #ids
"""


class _PatientRedisQueue(RedisQueue):
    """saq tries a failed dequeue again at once, which spins while Redis is down; pause instead."""

    async def dequeue(self, timeout: float = 0.0, poll_interval: float = 0.0) -> Job | None:  # noqa: ASYNC109 (saq signature)
        try:
            return await super().dequeue(timeout, poll_interval)
        except REDIS_ERRORS as error:
            log.warning("Cannot take a job from %s: %s", self.name, error)
            await asyncio.sleep(1)
            return None


def _saq_function(queue: _RedisQueue) -> Callable[..., Awaitable[None]]:
    async def run(ctx: Context, *, payload: dict[str, Any]) -> None:
        job = ctx["job"]
        # Exact exponential backoff: saq's own backoff adds full jitter, which can retry at once.
        job.retry_delay = queue.options.delay_after(job.attempts)
        job.retry_backoff = False
        heartbeat = asyncio.create_task(_beat(job))
        try:
            await queue.handler(payload)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    return run


async def _beat(job: Job) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS / 4)
        try:
            await job.update()
        except Exception as error:  # a missed beat only matters if every beat fails
            log.warning("Heartbeat of job %s failed: %s", job.key, error)


def _counter(queue: _RedisQueue) -> Callable[[Context], Awaitable[None]]:
    async def count(ctx: Context) -> None:
        job = ctx.get("job")
        if job is None:
            return
        if job.status == Status.COMPLETE:
            await queue.saq.redis.incr(f"{queue.counters}completed")
        elif job.status in (Status.FAILED, Status.ABORTED):
            await queue.saq.redis.incr(f"{queue.counters}failed")

    return count
