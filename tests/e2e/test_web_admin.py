"""The admin pages, the profile and the appearance/language settings of the web client against a
real `echo-music serve` with the fixture library: the admin creates a user (temporary password),
sees the server's last-admin protection as a message, scans from the scanner page and watches the
progress reach completion without a reload, sees the history, changes the purge policy and an
analysis toggle (both kept across a reload), sees the analysis status; on the profile, changes the
name, uploads an avatar (and is told when one is too large), gets the password policy's answer by
the field, changes privacy; switches the language to Spanish and French (no message keys left)
and the theme. A regular user who types /admin is told it is not allowed. No console errors,
failed requests or serious axe-core violations; screenshots at desktop and phone sizes."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from playwright.async_api import Browser, Page, expect

from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    WAIT,
    PageProblems,
    Site,
    access_token,
    complete_setup,
    screenshot,
    served_site,
    web_page,
)

TIMEOUT = WAIT * 1000
expect.set_options(timeout=TIMEOUT)
NEW_PASSWORD = "Another-Passw0rd"
COPIES = 300
# A message key left untranslated would show as e.g. "admin.tab.users".
MESSAGE_KEY = re.compile(r"\b(?:admin|profile|settings|nav|topbar|theme|app|form)\.[a-z][\w.]*\b")


async def test_admin_pages_profile_and_settings(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        complete_setup(site)
        api = Api(site, access_token(site))
        async with web_page(browser, site) as (page, problems):
            await log_in(page, ADMIN, PASSWORD, f"Hello, {ADMIN}")
            temporary = await users_tab(page, problems, api)
            await scanner_tab(page, api)
            await missing_files_tab(page, api)
            await library_tab(page, site, api)
            await analysis_tab(page, api)
            await profile(page, problems, api)
            await settings_languages_and_theme(page)

        api.change_password("listener", temporary, NEW_PASSWORD)
        api.choose_preferences("listener", NEW_PASSWORD, theme="light", language="fr")
        async with web_page(browser, site) as (page, _problems):
            # The account's theme and language apply at sign-in, in a browser that prefers dark
            # and English.
            await log_in(page, "listener", NEW_PASSWORD, "Bonjour, Listener")
            await expect(page.locator("html")).to_have_attribute("lang", "fr")
            await expect(page.locator("html")).to_have_attribute("data-theme", "light")
            await page.get_by_label("Langue").select_option("en")
            await regular_user_is_kept_out(page)


class Api:
    """The API as the administrator, to compare the pages with."""

    def __init__(self, site: Site, token: str) -> None:
        self.site = site
        self.client = httpx.Client(
            base_url=site.url, headers={"Authorization": f"Bearer {token}"}, timeout=WAIT
        )

    def get(self, path: str) -> Any:
        answer = self.client.get(path)
        answer.raise_for_status()
        return answer.json()

    def user(self, username: str) -> dict[str, Any]:
        users = self.get("/api/admin/users?take=100")["users"]
        return next(user for user in users if user["username"] == username)

    def change_password(self, username: str, current: str, new: str) -> None:
        with httpx.Client(base_url=self.site.url, timeout=WAIT) as client:
            login = client.post("/api/auth/login", json={"username": username, "password": current})
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}
            changed = client.put(
                "/api/users/password",
                json={"currentPassword": current, "newPassword": new},
                headers=headers,
            )
            changed.raise_for_status()

    def choose_preferences(self, username: str, password: str, theme: str, language: str) -> None:
        """The user's own theme and language, saved on the account as /settings does."""
        headers = {"Authorization": f"Bearer {access_token(self.site, username, password)}"}
        with httpx.Client(base_url=self.site.url, headers=headers, timeout=WAIT) as client:
            client.put("/api/users/theme", json={"theme": theme}).raise_for_status()
            client.put("/api/users/language", json={"language": language}).raise_for_status()


async def log_in(page: Page, username: str, password: str, greeting: str) -> None:
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name=greeting)).to_be_visible()


async def users_tab(page: Page, problems: PageProblems, api: Api) -> str:
    await (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Administration")
        .click()
    )
    await expect(page).to_have_url(re.compile(r"/admin$"))
    await expect(page.get_by_role("heading", name="Administration", exact=True)).to_be_visible()
    tabs = page.get_by_role("navigation", name="Administration sections")
    await expect(tabs.get_by_role("link", name="Users")).to_have_attribute("aria-current", "page")

    form = page.locator("form", has=page.get_by_role("heading", name="Create user"))
    await form.get_by_label("Username", exact=True).fill("listener")
    await form.get_by_label("Name", exact=True).fill("Listener")
    await form.get_by_role("button", name="Create user").click()
    password = page.get_by_test_id("temporary-password")
    await expect(password).to_have_text(re.compile(r"^\S{16}$"))
    temporary = await password.inner_text()
    row = page.locator('[data-username="listener"]')
    await expect(row).to_contain_text("Temporary password")
    created = api.user("listener")
    assert created["name"] == "Listener" and created["mustChangePassword"]

    # The server protects the system administrator; the page says so instead of failing.
    problems.expect_status(400, r"/api/admin/users/[0-9a-f-]+$")
    own = page.locator(f'[data-username="{ADMIN}"]')
    await own.get_by_role("button", name="Deactivate").click()
    await expect(page.get_by_role("alert")).to_have_text(
        "The system administrator cannot be demoted or deactivated"
    )
    assert api.user(ADMIN)["isActive"]
    await screenshot(page, "admin-users")
    return temporary


async def scanner_tab(page: Page, api: Api) -> None:
    await page.get_by_role("link", name="Scanner").click()
    await expect(page).to_have_url(re.compile(r"/admin/scanner$"))
    await expect(page.get_by_text("No scans yet.")).to_be_visible()
    # Marks this document: a reload would lose the mark.
    await page.evaluate("() => { window.__noReload = true; }")
    await page.get_by_role("button", name="Start scan").click()
    finished = page.get_by_test_id("scan-finished")
    await expect(finished).to_be_visible(timeout=120_000)
    assert await page.evaluate("() => window.__noReload === true")

    tracks = api.get("/api/tracks?take=1")["total"]
    await expect(finished).to_contain_text(f"Scan finished: {tracks} new tracks")
    await expect(page.locator("progress.scan-progress")).to_have_attribute("value", "100")
    history = page.get_by_test_id("scan-history")
    await expect(history.locator("tbody tr")).to_have_count(1)
    await expect(history.locator("tbody tr").first).to_contain_text("Completed")
    scan = api.get("/api/scanner")["scans"][0]
    assert scan["status"] == "completed" and scan["tracksAdded"] == tracks
    await expect(history.locator("tbody tr td").nth(2)).to_have_text(str(tracks))
    await screenshot(page, "admin-scanner")


async def missing_files_tab(page: Page, api: Api) -> None:
    await page.get_by_role("link", name="Missing files").click()
    await expect(page.get_by_text("No missing files.")).to_be_visible()
    await expect(page.get_by_label("Keep them, marked missing")).to_be_checked()
    await page.get_by_label("Remove them after some days").check()
    await page.get_by_label("Days", exact=True).fill("14")
    await page.get_by_role("button", name="Save policy").click()
    await expect(page.get_by_text("Policy saved.")).to_be_visible()
    assert api.get("/api/scanner/missing-files/purge-mode") == {"mode": "after_days:14"}

    await page.reload()
    await expect(page.get_by_label("Remove them after some days")).to_be_checked()
    await expect(page.get_by_label("Days", exact=True)).to_have_value("14")
    await screenshot(page, "admin-missing")


async def library_tab(page: Page, site: Site, api: Api) -> None:
    await page.get_by_role("link", name="Library").click()
    await expect(page.get_by_test_id("library-path")).to_have_text(str(site.music))
    count = api.get("/api/admin/library")["fileCount"]
    await expect(page.get_by_text(f"{count} music files")).to_be_visible()
    toggle = page.get_by_label("Analyse tempo, key and energy of new tracks")
    await expect(toggle).to_be_checked()
    await toggle.uncheck()
    await expect(toggle).not_to_be_checked()
    await page.reload()
    await expect(
        page.get_by_label("Analyse tempo, key and energy of new tracks")
    ).not_to_be_checked()
    settings = {item["key"]: item["value"] for item in api.get("/api/admin/settings")["settings"]}
    assert settings["dj.auto_analysis.enabled"] == "false"
    await screenshot(page, "admin-library")


async def analysis_tab(page: Page, api: Api) -> None:
    await page.get_by_role("link", name="Analysis").click()
    for kind, title in (("lufs", "Loudness"), ("dj", "Tempo, key and energy")):
        card = page.locator(f'[data-analysis="{kind}"]')
        await expect(card.get_by_role("heading", name=title)).to_be_visible()
        await expect(card.get_by_test_id(f"{kind}-state")).to_have_text(
            re.compile("^(Running|Idle|Stopped)$")
        )
        await expect(card.get_by_test_id(f"{kind}-pending")).to_have_text(re.compile(r"^\d+$"))
    # The loudness analysis the scan queued ends; the page follows it live to nothing pending.
    lufs = page.locator('[data-analysis="lufs"]')
    await expect(lufs.get_by_test_id("lufs-pending")).to_have_text("0", timeout=180_000)
    await expect(lufs.get_by_test_id("lufs-state")).to_have_text("Idle", timeout=180_000)
    assert api.get("/api/scanner/lufs-status")["pendingTracks"] == 0
    await screenshot(page, "admin-analysis")


def png(size: int) -> bytes:
    image = Image.new("RGB", (size, size), (200, 60, 90))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


async def profile(page: Page, problems: PageProblems, api: Api) -> None:
    account = page.locator(".topbar a.account")
    await expect(account).to_have_accessible_name(f"{ADMIN} Profile")
    await account.click()
    await expect(page).to_have_url(re.compile(r"/profile$"))
    await expect(page.get_by_role("heading", name="Profile", exact=True)).to_be_visible()

    await page.get_by_label("Display name").fill("Ada Admin")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(account).to_have_accessible_name("Ada Admin Profile")
    assert api.user(ADMIN)["name"] == "Ada Admin"

    avatar = page.locator('input[type="file"][name="avatar"]')
    too_large = b"\x89PNG" + bytes(5 * 1024 * 1024 + 10)
    await avatar.set_input_files(
        files=[{"name": "huge.png", "mimeType": "image/png", "buffer": too_large}]
    )
    await expect(page.get_by_test_id("avatar-error")).to_have_text("The image is larger than 5 MB.")
    await avatar.set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png(160)}]
    )
    image = page.get_by_role("img", name="Your avatar")
    await expect(image).to_be_visible()
    await expect(page.get_by_test_id("avatar-error")).to_have_count(0)
    await page.wait_for_function(
        "() => { const i = document.querySelector('.avatar-large'); return i && i.naturalWidth === 160; }"
    )
    await expect(page.locator(".topbar .account-avatar")).to_be_visible()

    # A wrong current password is told under that field.
    problems.expect_status(401, r"/api/users/password$")
    await page.get_by_label("Current password").fill("Not-the-passw0rd")
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Change password").click()
    await expect(page.locator("#current-password-error")).to_have_text("Current password is wrong")
    # The password policy's answer shows under the new password.
    problems.expect_status(400, r"/api/users/password$")
    await page.get_by_label("Current password").fill(PASSWORD)
    await page.get_by_label("New password").fill("weakpass")
    await page.get_by_label("Confirm password").fill("weakpass")
    await page.get_by_role("button", name="Change password").click()
    error = page.locator("#new-password-error")
    await expect(error).to_contain_text("Password must")
    await expect(page.locator("#current-password-error")).to_have_count(0)
    await expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")

    await page.get_by_label("Public profile").check()
    await page.get_by_label("Show my playlists").uncheck()
    await page.get_by_label("About me").fill("Runs this server.")
    await page.get_by_role("button", name="Save privacy settings").click()
    await expect(page.get_by_role("form", name="Privacy").get_by_role("status")).to_have_text(
        "Saved."
    )
    await page.reload()
    await expect(page.get_by_label("Public profile")).to_be_checked()
    await expect(page.get_by_label("Show my playlists")).not_to_be_checked()
    await expect(page.get_by_label("About me")).to_have_value("Runs this server.")
    await screenshot(page, "profile")


async def no_message_keys(page: Page) -> None:
    text = await page.locator("body").inner_text()
    assert not MESSAGE_KEY.findall(text), MESSAGE_KEY.findall(text)


async def settings_languages_and_theme(page: Page) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    await expect(page.get_by_role("heading", name="Appearance")).to_be_visible()

    await page.get_by_role("radio", name="Español").check()
    await expect(page.get_by_role("heading", name="Ajustes", exact=True)).to_be_visible()
    await expect(page.get_by_role("heading", name="Apariencia")).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "es")
    await no_message_keys(page)
    await page.goto("/admin/analysis")
    await expect(page.get_by_role("heading", name="Volumen")).to_be_visible()
    await no_message_keys(page)

    await page.goto("/settings")
    await page.get_by_role("radio", name="Français").check()
    await expect(page.get_by_role("heading", name="Réglages", exact=True)).to_be_visible()
    await expect(page.get_by_role("heading", name="Apparence")).to_be_visible()
    await no_message_keys(page)
    await page.goto("/profile")
    await expect(page.get_by_role("heading", name="Confidentialité")).to_be_visible()
    await no_message_keys(page)
    await page.goto("/admin/users")
    await expect(page.get_by_role("heading", name="Créer un utilisateur")).to_be_visible()
    await no_message_keys(page)

    await page.goto("/settings")
    await page.get_by_role("radio", name="English").check()
    await expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()

    html = page.locator("html")
    await page.get_by_role("radio", name="Light").check()
    await expect(html).to_have_attribute("data-theme", "light")
    await screenshot(page, "settings-light")
    await page.get_by_role("radio", name="Dark").check()
    await expect(html).to_have_attribute("data-theme", "dark")
    await page.get_by_role("radio", name="Auto").check()
    # The browser context prefers dark.
    await expect(html).to_have_attribute("data-theme", "dark")
    await page.reload()
    await expect(page.get_by_role("radio", name="Auto")).to_be_checked()
    await screenshot(page, "settings")


async def regular_user_is_kept_out(page: Page) -> None:
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Settings")).to_be_visible()
    await expect(nav.get_by_role("link", name="Administration")).to_have_count(0)
    await page.goto("/admin/users")
    await expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    await expect(page.get_by_role("alert")).to_have_text("Only administrators can open this page.")
    await screenshot(page, "admin-not-allowed")


async def test_a_scan_is_paused_cancelled_and_resumed_from_the_scanner_page(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    # No watcher: it would import the copies below in scans of its own.
    with served_site(tmp_path / "site", logs, ECHO_WATCH_LIBRARY="false") as site:
        # Enough files that the scan is still reading when Pause is pressed right after Start.
        for copy in range(COPIES):
            shutil.copytree(site.music / "Alpha", site.music / "Copies" / str(copy))
        complete_setup(site)
        api = Api(site, access_token(site))
        # Analysing what the cancelled scan stored would take the CPU from the second scan.
        for key in ("lufs.auto_analysis.enabled", "dj.auto_analysis.enabled"):
            api.client.put(f"/api/admin/settings/{key}", json={"value": "false"}).raise_for_status()
        async with web_page(browser, site) as (page, _problems):
            await log_in(page, ADMIN, PASSWORD, f"Hello, {ADMIN}")
            await page.goto("/admin/scanner")
            status = page.get_by_test_id("scan-status")
            finished = page.get_by_test_id("scan-finished")
            history = page.get_by_test_id("scan-history")

            # A scan checks for a pause between batches of files, so a Pause pressed right after
            # Start always lands while files remain; once paused, nothing races the clicks below.
            await page.get_by_role("button", name="Start scan").click()
            await page.get_by_role("button", name="Pause", exact=True).click()
            await expect(status).to_have_text("Paused")
            files = await page.get_by_test_id("scan-files").inner_text()
            assert files
            await page.get_by_role("button", name="Cancel scan").click()
            await expect(finished).to_contain_text("Cancelled")
            await expect(history.locator("tbody tr").first).to_contain_text("Cancelled")
            scans = api.get("/api/scanner")["scans"]
            assert [scan["status"] for scan in scans] == ["cancelled"]
            assert scans[0]["filesScanned"] < COPIES * 6

            # The next scan picks up what the cancelled one left, plus as many new files (so a
            # Pause pressed right after Start lands before it ends, even on a loaded machine),
            # through a pause and a resume.
            for copy in range(COPIES):
                shutil.copytree(site.music / "Alpha", site.music / "More" / str(copy))
            await page.get_by_role("button", name="Start scan").click()
            await page.get_by_role("button", name="Pause", exact=True).click()
            await expect(status).to_have_text("Paused")
            assert api.get("/api/scanner")["scans"][0]["status"] in ("running", "paused")
            await page.get_by_role("button", name="Resume").click()
            await expect(history.locator("tbody tr").first).to_contain_text(
                "Completed", timeout=120_000
            )
            scans = api.get("/api/scanner")["scans"]
            assert [scan["status"] for scan in scans] == ["completed", "cancelled"]
            # It parsed only what the cancelled scan had not reached, and the new files.
            assert COPIES * 6 < scans[0]["filesScanned"] <= COPIES * 6 * 2
