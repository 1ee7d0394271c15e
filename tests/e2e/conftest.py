"""End-to-end fixtures: the log files of the processes a test starts, shown when it fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from tests.e2e.processes import ProcessLogs

LOGS = pytest.StashKey[ProcessLogs]()


@pytest.fixture
def logs(request: pytest.FixtureRequest, tmp_path: Path) -> ProcessLogs:
    folder = tmp_path / "logs"
    folder.mkdir()
    process_logs = ProcessLogs(folder)
    request.node.stash[LOGS] = process_logs
    return process_logs


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    process_logs = item.stash.get(LOGS, None)
    if report.failed and process_logs is not None:
        report.sections.extend(process_logs.report())
    return report


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (installed by .ci/run)."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            # Media plays without a user gesture; /dev/shm is small in containers.
            args=["--autoplay-policy=no-user-gesture-required", "--disable-dev-shm-usage"],
        )
        yield chromium
        await chromium.close()
