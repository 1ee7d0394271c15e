"""The web client's shell in a real browser against a real serve: keyboard use (skip link,
visible focus, the phone menu drawer closed by Escape), the language switch (Spanish and French
texts and the page's lang), the light theme, checked with axe-core and photographed, and a page
whose code cannot be loaded showing a message instead of a blank app."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect

from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    WAIT,
    access_token,
    assert_accessible,
    complete_setup,
    scan_library,
    screenshot,
    served_site,
    web_page,
)

TIMEOUT = WAIT * 1000


async def log_in_as_admin(page: Page) -> None:
    await page.goto("/login")
    await page.get_by_label("Username").fill(ADMIN)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page).to_have_url(re.compile(r"/home$"), timeout=TIMEOUT)
    await expect(page.locator(".album-grid > li").first).to_be_visible(timeout=TIMEOUT)


async def focus_outline(page: Page) -> str:
    """The outline the focused element is drawn with (the :focus-visible ring)."""
    outline: str = await page.evaluate(
        "() => { const style = getComputedStyle(document.activeElement);"
        " return `${style.outlineStyle} ${style.outlineWidth}`; }"
    )
    return outline


async def test_the_shell_works_from_the_keyboard_speaks_three_languages_and_has_a_light_theme(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        complete_setup(site)
        scan_library(site, access_token(site))

        async with web_page(browser, site, service_workers=False) as (page, problems):
            await log_in_as_admin(page)

            # The first Tab reaches the skip link, which moves the focus to the page's content.
            await page.keyboard.press("Tab")
            skip = page.get_by_role("link", name="Skip to content")
            await expect(skip).to_be_focused()
            assert await focus_outline(page) == "solid 3px"
            await page.keyboard.press("Enter")
            await expect(page.locator("main#main")).to_be_focused()
            # Tabbing on from the top reaches the sidebar's links with a visible ring.
            await page.reload()
            await expect(page.locator(".album-grid > li").first).to_be_visible()
            await page.keyboard.press("Tab")
            await page.keyboard.press("Tab")
            await expect(page.get_by_role("link", name="Home")).to_be_focused()
            assert await focus_outline(page) == "solid 3px"

            # Spanish and French: the texts, the page's language and number formatting change.
            language = page.get_by_label("Language")
            await language.select_option("es")
            await expect(page.get_by_role("heading", name="Añadidos recientemente")).to_be_visible()
            await expect(page.locator("html")).to_have_attribute("lang", "es")
            await expect(page.get_by_role("button", name="Cerrar sesión")).to_be_visible()
            await screenshot(page, "home-es")
            await page.get_by_label("Idioma").select_option("fr")
            await expect(page.get_by_role("heading", name="Ajouts récents")).to_be_visible()
            await expect(page.get_by_text("12 titres")).to_be_visible()
            # The choice survives a reload.
            await page.reload()
            await expect(page.get_by_role("heading", name="Ajouts récents")).to_be_visible()
            await page.get_by_label("Langue").select_option("en")

            # The theme button cycles dark, light, auto; light is checked for contrast too.
            theme = page.get_by_role("button", name=re.compile(r"^Theme: "))
            while await theme.get_attribute("aria-label") != "Theme: Light":
                await theme.click()
            await expect(page.locator("html")).to_have_attribute("data-theme", "light")
            await screenshot(page, "home-light")

            # At phone width the navigation is a drawer behind the menu button.
            await page.set_viewport_size(PHONE)
            home_link = page.get_by_role("link", name="Home")
            await expect(home_link).to_be_hidden()
            menu = page.get_by_role("button", name="Open menu")
            await menu.click()
            await expect(home_link).to_be_visible()
            await expect(page.get_by_role("button", name="Close menu")).to_have_attribute(
                "aria-expanded", "true"
            )
            await assert_accessible(page, "phone menu open")
            await page.screenshot(path=SCREENSHOTS / "home-menu-phone.png", animations="disabled")
            await page.keyboard.press("Escape")
            await expect(home_link).to_be_hidden()
            await expect(page.get_by_role("button", name="Open menu")).to_be_focused()

            # A page whose code fails to load: the shell stays, with a message and a way out.
            await page.set_viewport_size(DESKTOP)
            chunk = re.compile(r"/assets/NotFoundPage-[^/]+\.js$")
            await page.route(chunk, lambda route: route.abort())
            await page.goto("/no-such-page")
            await expect(page.get_by_role("alert")).to_contain_text(
                "Something went wrong on this page."
            )
            await expect(page.get_by_role("link", name="Home")).to_be_visible()
            # The blocked file and the crash it causes are what this step is about.
            problems.errors.clear()
            await page.unroute(chunk)
            await page.get_by_role("button", name="Reload").click()
            await expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
