"""The web client as an installable app, in a real browser against a real serve: the manifest
and its icons, a service worker that takes control, keeps album covers in its own cache, and
starts the app shell with the server gone."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    WAIT,
    access_token,
    complete_setup,
    scan_library,
    served_site,
    web_page,
)

TIMEOUT = WAIT * 1000
# The machine is shared and slow at times: an assertion about the page waits as long as a step.
expect.set_options(timeout=TIMEOUT)


async def test_the_app_is_installable_caches_covers_and_starts_offline(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        complete_setup(site)
        scan_library(site, access_token(site))

        async with web_page(browser, site) as (page, problems):
            await page.goto("/login")
            manifest_url = await page.locator('link[rel="manifest"]').get_attribute("href")
            assert manifest_url is not None
            manifest: dict[str, Any] = await (await page.request.get(manifest_url)).json()
            assert manifest["display"] == "standalone"
            assert manifest["start_url"] == "/home"
            sizes = {icon["sizes"] for icon in manifest["icons"]}
            assert {"192x192", "512x512"} <= sizes
            for icon in manifest["icons"]:
                answer = await page.request.get(icon["src"])
                assert answer.ok and answer.headers["content-type"] == "image/png", icon

            # The worker installs, then controls the page after a reload.
            await page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            await page.reload()
            await page.wait_for_function("() => navigator.serviceWorker.controller !== null")

            await page.get_by_label("Username").fill(ADMIN)
            await page.get_by_label("Password").fill(PASSWORD)
            await page.get_by_role("button", name="Log in").click()
            await expect(page).to_have_url(re.compile(r"/home$"), timeout=TIMEOUT)
            await expect(page.locator(".album-grid img.cover").first).to_be_visible()
            # A visible cover is not a loaded one (lazy images are fetched once laid out), and
            # the login is a client-side route change, so the page reached "networkidle" long
            # before and waiting for it returns at once. The worker puts a cover into its cache
            # before answering it: poll the cache until one is there.
            try:
                await page.wait_for_function(
                    """async () => (await (await caches.open("echo-covers")).keys()).length > 0""",
                    polling=100,
                    timeout=TIMEOUT,
                )
            except PlaywrightTimeoutError:
                pytest.fail(f"no cover in the service worker's cache within {WAIT:.0f} s")
            cached_covers: list[str] = await page.evaluate(
                """async () => (await (await caches.open("echo-covers")).keys())
                    .map((request) => request.url)"""
            )
            assert all("/cover?" in url for url in cached_covers), cached_covers

            # Offline, the shell still starts and says the server cannot be reached.
            await page.context.set_offline(True)
            await page.reload()
            await expect(page.get_by_role("alert")).to_have_text(
                "The server cannot be reached. Check your connection and try again."
            )
            await expect(page.get_by_role("button", name="Try again")).to_be_visible()
            # What fails while offline is what this part of the test is about.
            problems.errors.clear()
            await page.context.set_offline(False)
            await page.get_by_role("button", name="Try again").click()
            await expect(page.locator(".album-grid > li").first).to_be_visible(timeout=TIMEOUT)
