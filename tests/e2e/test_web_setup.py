"""The web client against a real `echo-music serve` from an empty data dir: the setup wizard
completes through the UI, the administrator lands on home, scans the fixture library from there
and sees the albums with their covers appear without reloading; logout and login work, and a user
the administrator created must change the temporary password first, then plays an album. Every
page visited is free of console errors, failed requests and serious axe-core violations, and is
photographed at desktop and phone sizes."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from echo.app import STATIC_DIR
from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    WAIT,
    Site,
    access_token,
    complete_setup,
    create_user,
    first_contentful_paint,
    record_metric,
    require_built_web_app,
    scan_library,
    screenshot,
    served_site,
    web_page,
)

NEW_PASSWORD = "Fresh-passw0rd!"
# The budget of the issue: JavaScript the first page load needs, gzipped.
INITIAL_JS_BUDGET = 250 * 1024
TIMEOUT = WAIT * 1000


async def test_the_setup_wizard_takes_a_new_installation_to_a_home_page_with_albums(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        async with web_page(browser, site) as (page, _problems):
            await page.goto("/")
            await expect(page).to_have_url(re.compile(r"/setup$"), timeout=TIMEOUT)
            await run_the_wizard(page, site)

            await expect(page).to_have_url(re.compile(r"/home$"), timeout=TIMEOUT)
            await expect(page.get_by_role("heading", name=f"Hello, {ADMIN}")).to_be_visible()
            await expect(page.get_by_text("Your library has no albums yet.")).to_be_visible()
            await expect(page).to_have_title("Home · Echo")
            await screenshot(page, "home-empty")

            # The scan runs on the server; the list follows the scanner's Socket.IO events.
            await page.get_by_role("button", name="Scan library").click()
            albums = page.locator(".album-grid > li")
            await expect(albums.first).to_be_visible(timeout=TIMEOUT * 2)
            await assert_covers_loaded(page)
            await screenshot(page, "home")

            # A full load of home, to report how soon it paints.
            await page.goto("/home")
            await expect(albums.first).to_be_visible(timeout=TIMEOUT)
            record_metric("home first contentful paint (ms)", await first_contentful_paint(page))

            await page.get_by_role("button", name="Log out").click()
            await expect(page).to_have_url(re.compile(r"/login$"), timeout=TIMEOUT)
            await screenshot(page, "login")
            await log_in(page, ADMIN, PASSWORD)
            await expect(page.get_by_role("heading", name=f"Hello, {ADMIN}")).to_be_visible()


async def run_the_wizard(page: Page, site: Site) -> None:
    await expect(page.get_by_role("heading", name="Administrator account")).to_be_visible()
    await expect(page).to_have_title("Administrator account · Echo")
    await screenshot(page, "setup-admin")
    await page.get_by_label("Username").fill(ADMIN)
    await page.get_by_label("Password", exact=True).fill(PASSWORD)
    await page.get_by_label("Confirm password").fill(PASSWORD)
    await page.get_by_role("button", name="Next").click()

    # The picker opens at the mounted library; up from it are the allowed folders (the site's
    # root and the library); walk into the root and back down to the library.
    await expect(page.get_by_role("heading", name="Music library")).to_be_visible()
    current = page.locator(".folder-current .path")
    await expect(current).to_have_text(str(site.music))
    await page.get_by_role("button", name="Parent folder").click()
    await expect(current).to_have_text("Allowed folders")
    await page.get_by_role("button", name=str(site.root), exact=True).click()
    await expect(current).to_have_text(str(site.root))
    # A new folder can be made where the picker is; it opens at once.
    await page.get_by_label("New folder name").fill("Podcasts")
    await page.get_by_role("button", name="Create folder").click()
    await expect(current).to_have_text(str(site.root / "Podcasts"))
    assert (site.root / "Podcasts").is_dir()
    await page.get_by_role("button", name="Parent folder").click()
    await expect(current).to_have_text(str(site.root))
    await screenshot(page, "setup-library")
    await page.get_by_role("button", name=re.compile(r"^music")).click()
    await expect(current).to_have_text(str(site.music))
    await page.get_by_role("button", name="Use this folder").click()
    await expect(page.get_by_text(re.compile(r"Found \d+ music files"))).to_be_visible()
    await page.get_by_role("button", name="Next").click()

    await expect(page.get_by_role("heading", name="Metadata services")).to_be_visible()
    await screenshot(page, "setup-keys")
    await page.get_by_role("button", name="Skip").click()

    await expect(page.get_by_role("heading", name="Ready")).to_be_visible()
    await page.get_by_role("button", name="Finish setup").click()


async def log_in(page: Page, username: str, password: str) -> None:
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()


async def assert_covers_loaded(page: Page) -> None:
    """Every cover <img> in the grid decoded an image from the images API."""
    covers = page.locator(".album-grid img.cover")
    await expect(covers.first).to_be_visible()
    sources = await covers.evaluate_all(
        """(images) => Promise.all(images.map(async (image) => {
            image.loading = "eager";
            await image.decode().catch(() => null);
            return { src: image.currentSrc, width: image.naturalWidth };
        }))"""
    )
    assert sources, "no album has a cover"
    for source in sources:
        assert "/api/images/albums/" in source["src"], source
        assert source["width"] > 0, f"cover not loaded: {source}"


async def test_a_new_user_changes_the_temporary_password_then_plays_an_album(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        complete_setup(site)
        temporary = create_user(site, "guest", "Guest")

        async with web_page(browser, site) as (page, _problems):
            await page.goto("/home")
            await expect(page).to_have_url(re.compile(r"/login\?next=%2Fhome$"), timeout=TIMEOUT)
            await log_in(page, "guest", temporary)

            await expect(page).to_have_url(re.compile(r"/first-login$"), timeout=TIMEOUT)
            await page.get_by_label("Current (temporary) password").fill(temporary)
            await page.get_by_label("New password").fill(NEW_PASSWORD)
            await page.get_by_label("Confirm password").fill(NEW_PASSWORD + "x")
            await expect(page.get_by_text("The passwords do not match")).to_be_visible()
            await screenshot(page, "first-login")
            await page.get_by_label("Confirm password").fill(NEW_PASSWORD)
            await page.get_by_role("button", name="Change password").click()

            await expect(page).to_have_url(re.compile(r"/home$"), timeout=TIMEOUT)
            await expect(page.get_by_role("heading", name="Hello, Guest")).to_be_visible()
            # A regular user is not offered the scan.
            await expect(page.get_by_text("Your library has no albums yet.")).to_be_visible()
            await expect(page.get_by_role("button", name="Scan library")).to_have_count(0)

            # Then plays music once the administrator has scanned. The albums page is opened
            # from the sidebar (not a reload) so the empty list home cached is not in the way.
            scan_library(site, access_token(site))
            await (
                page.get_by_role("navigation", name="Main")
                .get_by_role("link", name="Albums", exact=True)
                .click()
            )
            # One track in one format: the queue ends with it.
            await page.get_by_role("link", name="Old Album", exact=True).first.click(
                timeout=TIMEOUT
            )
            await expect(page.get_by_role("heading", level=1, name="Old Album")).to_be_visible(
                timeout=TIMEOUT
            )
            await page.locator("main").get_by_role("button", name="Play", exact=True).click()
            await expect(page.get_by_test_id("player-title")).to_have_text(
                "Old Song", timeout=TIMEOUT
            )
            # The clip lasts a second and may have ended by the time this looks (paused at its
            # end): any time past the start is the audio having advanced.
            await page.wait_for_function(
                """() => {
                    const audio = document.querySelector("#echo-audio audio[data-active=true]");
                    return audio !== null && audio.currentTime > 0.2;
                }""",
                timeout=TIMEOUT,
            )


def test_the_initial_javascript_of_the_web_client_fits_the_budget() -> None:
    """The scripts index.html loads before anything else (entry and module preloads), gzipped."""
    require_built_web_app()
    index = (STATIC_DIR / "index.html").read_text()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', index)
    scripts += re.findall(r'<link rel="modulepreload"[^>]+href="([^"]+)"', index)
    assert scripts, "index.html loads no script"
    size = sum(len(gzip.compress((STATIC_DIR / src.lstrip("/")).read_bytes())) for src in scripts)
    record_metric("initial JavaScript (gzipped bytes)", size)
    assert size <= INITIAL_JS_BUDGET
