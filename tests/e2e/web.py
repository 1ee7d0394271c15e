"""Helpers for the web client's browser tests: a served site with the fixture library, pages that
fail the test on console errors and failed requests, axe-core checks, and screenshots at desktop
and phone sizes. Every tests/e2e/test_web_*.py builds on these."""

from __future__ import annotations

import json
import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    ViewportSize,
)

from echo.app import STATIC_DIR
from tests.e2e.processes import (
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    PASSWORD,
    ProcessLogs,
    Server,
    running_server,
    site_env,
)
from tests.fixtures.library import build_library
from tests.fixtures.manifest import LibraryManifest

REPOSITORY = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPOSITORY / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPOSITORY / "test-artifacts" / "screenshots"
METRICS = REPOSITORY / "test-artifacts" / "web-metrics.json"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Seconds any one step may take in the page: the machine is shared and slow at times.
WAIT = 30.0
ADMIN = "admin"


def require_built_web_app() -> None:
    """The browser tests need the built client; `make test` builds it before pytest."""
    if not (STATIC_DIR / "index.html").is_file():
        pytest.fail("The web client is not built: run `make web` (make test does it first)")
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make web` (npm ci installs axe-core)")


@dataclass
class Site:
    """A running `echo-music serve` with the fixture library in its music folder."""

    server: Server
    root: Path
    library: LibraryManifest

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def music(self) -> Path:
        return self.root / "music"


@contextmanager
def served_site(root: Path, logs: ProcessLogs, **settings: str | Path) -> Iterator[Site]:
    """An empty installation under `root` (setup not done) whose library holds the fixture
    albums; the browse roots are `root`, so the wizard's folder picker can walk up to it."""
    require_built_web_app()
    library = build_library(root / "music")
    env = site_env(
        root,
        ECHO_JWT_SECRET=JWT_SECRET,
        ECHO_JWT_REFRESH_SECRET=JWT_REFRESH_SECRET,
        **settings,
    )
    with running_server(logs, root, env) as server:
        yield Site(server, root, library)


def complete_setup(site: Site, username: str = ADMIN, password: str = PASSWORD) -> None:
    """The wizard's steps through the API, for tests about pages after it."""
    with httpx.Client(base_url=site.url, timeout=WAIT) as client:
        client.post("/api/setup/admin", json={"username": username, "password": password})
        client.post("/api/setup/library", json={"path": str(site.music)}).raise_for_status()
        client.post("/api/setup/complete").raise_for_status()


def access_token(site: Site, username: str = ADMIN, password: str = PASSWORD) -> str:
    answer = httpx.post(
        f"{site.url}/api/auth/login",
        json={"username": username, "password": password},
        timeout=WAIT,
    )
    answer.raise_for_status()
    token: str = answer.json()["accessToken"]
    return token


def create_user(site: Site, username: str, name: str | None = None) -> str:
    """A regular user created by the administrator; answers the temporary password."""
    answer = httpx.post(
        f"{site.url}/api/admin/users",
        json={"username": username, "name": name},
        headers={"Authorization": f"Bearer {access_token(site)}"},
        timeout=WAIT,
    )
    answer.raise_for_status()
    temporary: str = answer.json()["temporaryPassword"]
    return temporary


def scan_library(site: Site, token: str) -> None:
    """Starts a scan as the administrator and waits until it has finished."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=WAIT) as client:
        started = client.post("/api/scanner/start", json={})
        started.raise_for_status()
        scan_id = started.json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(f"/api/scanner/{scan_id}").json()["status"]
            if status in ("completed", "failed", "cancelled"):
                assert status == "completed", f"scan ended {status}"
                return
            time.sleep(0.3)
    pytest.fail("the scan did not finish within 120 s")


@dataclass
class PageProblems:
    """Console errors, uncaught exceptions and failed requests of one page, so a test can fail
    on any of them. `expect_status` allows a response a test provokes on purpose."""

    errors: list[str] = field(default_factory=list)
    allowed: list[tuple[int, re.Pattern[str]]] = field(default_factory=list)

    def expect_status(self, status: int, url_pattern: str) -> None:
        self.allowed.append((status, re.compile(url_pattern)))

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        # Chromium also logs every 4xx/5xx response; an expected one is not an error.
        logged = re.match(r"Failed to load resource: .*status of (\d+)", message.text)
        url = str(message.location.get("url", ""))
        if logged and any(
            int(logged.group(1)) == status and pattern.search(url)
            for status, pattern in self.allowed
        ):
            return
        self.errors.append(f"console error: {message.text} ({message.location})")

    def _request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A media element or a navigation that drops a request it no longer needs.
        if "ERR_ABORTED" in failure:
            return
        self.errors.append(f"request failed: {request.method} {request.url}: {failure}")

    def _response(self, response: Response) -> None:
        if response.status < 400:
            return
        for status, pattern in self.allowed:
            if response.status == status and pattern.search(response.url):
                return
        self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def assert_none(self) -> None:
        assert not self.errors, "problems in the page:\n" + "\n".join(self.errors)


@asynccontextmanager
async def web_page(
    browser: Browser, site: Site, locale: str = "en-US", service_workers: bool = True
) -> AsyncIterator[tuple[Page, PageProblems]]:
    """A fresh browser context (no stored tokens) at desktop size with axe-core preloaded; the
    page's problems are asserted to be none when the block ends without an exception. Requests
    a service worker answers never reach `page.route`: pass service_workers=False to route."""
    context: BrowserContext = await browser.new_context(
        base_url=site.url,
        viewport=DESKTOP,
        locale=locale,
        color_scheme="dark",
        service_workers="allow" if service_workers else "block",
    )
    # An init script is added by the browser, not by the page, so the site's CSP allows it.
    await context.add_init_script(path=str(AXE_SCRIPT))
    context.set_default_timeout(WAIT * 1000)
    page = await context.new_page()
    problems = PageProblems()
    problems.watch(page)
    try:
        yield page, problems
        problems.assert_none()
    finally:
        await context.close()


async def assert_accessible(page: Page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it is now."""
    violations: list[dict[str, Any]] = await page.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                             targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
        }"""
    )
    assert not violations, f"axe-core on {name}:\n" + json.dumps(violations, indent=2)


async def screenshot(page: Page, name: str) -> None:
    """test-artifacts/screenshots/<name>-desktop.png and -phone.png; the viewport is desktop
    again afterwards. Both sizes are checked with axe-core too."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size_name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        await page.set_viewport_size(size)
        # Let layout and lazily loaded covers settle at the new width.
        await page.wait_for_load_state("networkidle")
        await page.evaluate("() => document.fonts.ready.then(() => true)")
        # What a user sees at that size (a full-page shot would show fixed bars mid-page).
        await page.screenshot(path=SCREENSHOTS / f"{name}-{size_name}.png", animations="disabled")
        await assert_accessible(page, f"{name} ({size_name})")


async def first_contentful_paint(page: Page) -> float | None:
    """Milliseconds from navigation to first contentful paint, as the browser measured it."""
    value = await page.evaluate(
        """() => {
            const entry = performance.getEntriesByName("first-contentful-paint")[0];
            return entry ? entry.startTime : null;
        }"""
    )
    return None if value is None else float(value)


def record_metric(name: str, value: float | None) -> None:
    """Kept in test-artifacts/web-metrics.json and printed: reported, never asserted."""
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    metrics = json.loads(METRICS.read_text()) if METRICS.is_file() else {}
    metrics[name] = value
    METRICS.write_text(json.dumps(metrics, indent=2, sort_keys=True))
    print(f"{name}: {value}")
