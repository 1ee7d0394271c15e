"""ProgressThrottle: few events for fast work, a steady beat for slow work, never a lost last one."""

from __future__ import annotations

import asyncio
import time

from echo.core.realtime import EventBudget, ProgressThrottle


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[float, int]] = []

    async def __call__(self, value: int) -> None:
        self.sent.append((time.monotonic(), value))

    @property
    def values(self) -> list[int]:
        return [value for _, value in self.sent]


async def test_fast_updates_are_thinned_to_the_rate_and_the_last_one_is_always_sent() -> None:
    recorder = Recorder()
    started = time.monotonic()
    async with ProgressThrottle(recorder, per_second=10) as progress:
        for n in range(1, 301):
            await progress.update(n)
            await asyncio.sleep(0.001)
    elapsed = time.monotonic() - started

    assert recorder.values[0] == 1
    assert recorder.values[-1] == 300
    assert recorder.values == sorted(recorder.values)
    assert len(recorder.sent) <= elapsed * 10 + 2
    gaps = [b - a for (a, _), (b, _) in zip(recorder.sent[:-1], recorder.sent[1:], strict=True)]
    assert min(gaps[:-1]) >= 0.09


async def test_a_throttled_update_goes_out_after_the_interval_without_waiting_for_another() -> None:
    recorder = Recorder()
    async with ProgressThrottle(recorder, per_second=10, heartbeat_seconds=10) as progress:
        await progress.update(1)
        await progress.update(2)
        assert recorder.values == [1]
        await asyncio.sleep(0.35)
        assert recorder.values == [1, 2]


async def test_slow_work_still_sends_the_latest_value_at_least_every_heartbeat() -> None:
    recorder = Recorder()
    async with ProgressThrottle(recorder, per_second=20, heartbeat_seconds=0.1) as progress:
        await progress.update(7)
        await asyncio.sleep(0.55)
    assert recorder.values[:1] == [7]
    assert len(recorder.sent) >= 4
    assert set(recorder.values) == {7}
    gaps = [b - a for (a, _), (b, _) in zip(recorder.sent[:-1], recorder.sent[1:], strict=True)]
    assert max(gaps) < 0.25


async def test_nothing_is_sent_before_the_first_update() -> None:
    recorder = Recorder()
    async with ProgressThrottle(recorder, heartbeat_seconds=0.05):
        await asyncio.sleep(0.2)
    assert recorder.sent == []


def test_the_event_budget_allows_a_burst_of_its_rate_then_refills() -> None:
    budget = EventBudget(10)
    assert [budget.take() for _ in range(12)].count(True) == 10
    time.sleep(0.25)
    assert 2 <= [budget.take() for _ in range(5)].count(True) <= 3
