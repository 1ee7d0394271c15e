"""The library pages of the web client against a real `echo-music serve` with the fixture library
scanned, plus enough albums by one band to need several pages: albums in two orders (growing as
the page scrolls), artists, an artist, genres, a genre, search as you type (accents ignored, a
kind of result growing on "Load more"), favourites and home's listening sections show what the
API answers; a track plays from the results; the albums page follows a rescan that adds an album
without a reload. No console
errors, failed requests or serious axe-core violations; screenshots at desktop and phone sizes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, Locator, Page, expect

from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    WAIT,
    Site,
    access_token,
    complete_setup,
    scan_library,
    screenshot,
    served_site,
    web_page,
)
from tests.fixtures.audio import encode_clip, tag_file

TIMEOUT = WAIT * 1000
NEW_ALBUM = "Late Arrival"
FILLER_BAND = "Filler Band"
# More than a page of the albums grid (40) and of a search group (20).
FILLERS = 45
# Lazily loaded pages on a shared, busy machine: every expectation may wait as long as a step.
expect.set_options(timeout=TIMEOUT)


async def test_the_library_pages_show_what_the_api_has(
    browser: Browser, tmp_path: Path, logs: ProcessLogs
) -> None:
    with served_site(tmp_path / "site", logs) as site:
        add_filler_albums(site.music)
        complete_setup(site)
        token = access_token(site)
        scan_library(site, token)
        with httpx.Client(
            base_url=site.url, headers={"Authorization": f"Bearer {token}"}, timeout=WAIT
        ) as client:
            api = Api(client)
            alpha = api.one_artist("Alpha")
            together = api.one_track("Together")
            # A play makes Alpha's popular tracks and home's listening sections.
            api.post(
                "/api/play-tracking/play", {"trackId": together["id"], "playContext": "direct"}
            )
            staralfur = api.one_track("Staralfur")
            api.put(f"/api/interactions/favorite/track/{staralfur['id']}")
            api.put(f"/api/interactions/favorite/album/{together['albumId']}")

            async with web_page(browser, site) as (page, _problems):
                await log_in(page)
                await albums_in_two_orders(page, api)
                await artists_and_an_artist(page, api, alpha)
                await genres_and_a_genre(page, api)
                await search_as_you_type(page, api)
                await favourites(page)
                await home_sections(page)
                await albums_follow_a_rescan(page, site, token)
                await in_spanish(page)


def add_filler_albums(music: Path) -> None:
    for number in range(1, FILLERS + 1):
        album = f"Filler {number:02d}"
        clip = encode_clip(music / FILLER_BAND / album / "01 Track.mp3", "mp3")
        tag_file(clip, title=f"Filler Track {number:02d}", artist=FILLER_BAND, album=album)


class Api:
    """The API as the administrator, to compare pages with."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def get(self, path: str) -> Any:
        answer = self.client.get(path)
        answer.raise_for_status()
        return answer.json()

    def post(self, path: str, body: dict[str, Any]) -> None:
        self.client.post(path, json=body).raise_for_status()

    def put(self, path: str) -> None:
        self.client.put(path).raise_for_status()

    def one_artist(self, name: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/api/search?q={name}")["artists"]["data"][0]
        assert found["name"] == name
        return found

    def one_track(self, query: str) -> dict[str, Any]:
        found: dict[str, Any] = self.get(f"/api/search?q={query}")["tracks"]["data"][0]
        return found


async def log_in(page: Page) -> None:
    await page.goto("/login")
    await page.get_by_label("Username").fill(ADMIN)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name=f"Hello, {ADMIN}")).to_be_visible()


async def expect_titles(grid: Locator, titles: list[str]) -> None:
    """The grid shows exactly these titles, in this order."""
    await expect(grid).to_have_text(titles, timeout=TIMEOUT)


async def albums_in_two_orders(page: Page, api: Api) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Albums").click()
    await expect(page).to_have_url(re.compile(r"/albums$"))
    await expect(page.get_by_role("heading", name="Albums", level=1)).to_be_visible()
    await expect(page).to_have_title("Albums · Echo")
    titles = page.locator(".album-grid .album-title")
    everything = api.get("/api/albums?skip=0&take=100")
    assert everything["total"] > 40, "the library should need more than one page"
    newest = [album["title"] for album in everything["data"]]
    await expect(page.get_by_text(f"Showing 40 of {everything['total']}")).to_be_visible()
    await expect_titles(titles, newest[:40])
    await screenshot(page, "albums")
    # Scrolling to the end of the grid brings the next page.
    await titles.last.scroll_into_view_if_needed()
    await expect_titles(titles, newest)

    await page.get_by_label("Sort by").select_option(label="Name")
    await expect(page).to_have_url(re.compile(r"/albums\?sort=alphabetical$"))
    by_name = [album["title"] for album in api.get("/api/albums/alphabetical?limit=100")["data"]]
    assert by_name != newest, "the fixture library should order differently by name"
    # The new order starts from its first page (which may grow at once, scrolled down as the
    # page is): its first title leads, then the whole list once scrolled to its end.
    await expect(titles.first).to_have_text(by_name[0])
    await titles.last.scroll_into_view_if_needed()
    await expect_titles(titles, by_name)

    # A card opens its album.
    first = api.get("/api/albums/alphabetical?limit=1")["data"][0]
    link = page.locator(".album-grid").get_by_role("link", name=first["title"], exact=True)
    await expect(link).to_have_attribute("href", f"/album/{first['id']}")
    # From the keyboard too; back returns to the sorted albums.
    await link.focus()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(rf"/album/{first['id']}$"))
    await page.go_back()
    await expect(page).to_have_url(re.compile(r"/albums\?sort=alphabetical$"))
    await expect(page.get_by_label("Sort by")).to_have_value("alphabetical")


async def artists_and_an_artist(page: Page, api: Api, alpha: dict[str, Any]) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Artists").click()
    await expect(page.get_by_role("heading", name="Artists", level=1)).to_be_visible()
    names = [artist["name"] for artist in api.get("/api/artists?skip=0&take=60")["data"]]
    await expect(page.locator(".artist-grid .artist-name")).to_have_text(names, timeout=TIMEOUT)
    await screenshot(page, "artists")

    await page.locator(".artist-grid").get_by_role("link", name="Alpha", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/artists/{alpha['id']}$"))
    await expect(page.get_by_role("heading", name="Alpha", level=1)).to_be_visible()
    await expect(page).to_have_title("Alpha · Echo")
    albums = api.get(f"/api/artists/{alpha['id']}/albums?skip=0&take=50")["data"]
    await expect_titles(page.locator(".album-grid .album-title"), [a["title"] for a in albums])
    top = api.get(f"/api/artists/{alpha['id']}/top-tracks?limit=10")["data"]
    popular = page.get_by_role("list", name="Popular tracks").locator(".track-title")
    await expect(popular).to_have_text([track["title"] for track in top], timeout=TIMEOUT)

    star = page.get_by_role("button", name="Add Alpha to favourites")
    await star.click()
    await expect(page.get_by_role("button", name="Remove Alpha from favourites")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Four of five stars, and everyone's average (the administrator's alone) beside them.
    await page.locator(".rating-star").nth(3).click()
    await expect(page.get_by_label("4 stars")).to_be_checked()
    await expect(page.get_by_text("4 from 1 rating")).to_be_visible()
    assert api.get(f"/api/interactions/item/artist/{alpha['id']}")["userRating"] == 4
    await screenshot(page, "artist")


async def genres_and_a_genre(page: Page, api: Api) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Genres").click()
    await expect(page.get_by_role("heading", name="Genres", level=1)).to_be_visible()
    genres = api.get("/api/genres?sort=trackCount&order=desc&skip=0&take=60")["data"]
    await expect(page.locator(".genre-grid .genre-name")).to_have_text(
        [genre["name"] for genre in genres], timeout=TIMEOUT
    )
    await screenshot(page, "genres")

    rock = next(genre for genre in genres if genre["name"] == "Rock")
    await page.locator(".genre-grid").get_by_role("link", name="Rock", exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/genres/{rock['id']}$"))
    await expect(page.get_by_role("heading", name="Rock", level=1)).to_be_visible()
    await expect(page).to_have_title("Rock · Echo")
    albums = api.get(f"/api/genres/{rock['id']}/albums?skip=0&take=40")["data"]
    await expect_titles(page.locator(".album-grid .album-title"), [a["title"] for a in albums])
    tracks = api.get(f"/api/genres/{rock['id']}/tracks?skip=0&take=50")["data"]
    await expect(page.get_by_role("list", name="Tracks").locator(".track-title")).to_have_text(
        [track["title"] for track in tracks], timeout=TIMEOUT
    )
    await screenshot(page, "genre")

    await page.get_by_label("Sort tracks by").select_option(label="Title")
    by_title = api.get(f"/api/genres/{rock['id']}/tracks?sort=title&skip=0&take=50")["data"]
    await expect(page.get_by_role("list", name="Tracks").locator(".track-title")).to_have_text(
        [track["title"] for track in by_title]
    )


async def search_as_you_type(page: Page, api: Api) -> None:
    field = page.locator("#global-search")
    await expect(field).to_have_accessible_name("Search the library")
    # No accents typed: "Sigur Rós" and "Starálfur" are found all the same.
    await field.press_sequentially("sigur ros", delay=40)
    await expect(page).to_have_url(re.compile(r"/search\?q=sigur%20ros$"), timeout=TIMEOUT)
    artists = page.get_by_role("region", name="Artists")
    await expect(artists.get_by_role("link", name="Sigur Rós", exact=True)).to_be_visible()
    await screenshot(page, "search")

    await field.fill("")
    await field.press_sequentially("filler", delay=40)
    albums = page.get_by_role("region", name="Albums")
    await expect(albums.locator(".album-title")).to_have_count(20)
    await albums.get_by_role("button", name="Load more").click()
    matches = api.get("/api/albums/search/filler?skip=0&take=100")["data"]
    assert len(matches) == FILLERS
    await expect(albums.locator(".album-title")).to_have_text([a["title"] for a in matches])

    await field.fill("")
    await field.press_sequentially("staralfur", delay=40)
    await expect(page).to_have_url(re.compile(r"/search\?q=staralfur$"), timeout=TIMEOUT)
    tracks = page.get_by_role("region", name="Tracks")
    await expect(tracks.locator(".track-title")).to_have_text(["Starálfur"])
    await page.get_by_role("button", name="Play Starálfur", exact=True).click()
    await expect(tracks.locator(".track-row.playing .track-title")).to_have_text("Starálfur")


async def favourites(page: Page) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Favourites").click()
    await expect(page.get_by_role("heading", name="Favourites", level=1)).to_be_visible()
    await expect(page.get_by_role("list", name="Tracks").locator(".track-title")).to_have_text(
        ["Starálfur"], timeout=TIMEOUT
    )
    await expect(page.locator(".album-grid .album-title")).to_have_text(["Collaborations"])
    await expect(page.locator(".artist-grid .artist-name")).to_have_text(["Alpha"])
    await screenshot(page, "favourites")


async def home_sections(page: Page) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    recently = page.get_by_role("list", name="Recently played")
    await expect(recently.locator(".album-title").first).to_be_visible(timeout=TIMEOUT)
    await expect(recently.locator(".album-title").first).to_have_text(
        re.compile("Collaborations|Ágætis byrjun")
    )
    top = page.get_by_role("list", name="Your top tracks").locator(".track-title")
    await expect(top.filter(has_text="Together")).to_have_count(1)
    await screenshot(page, "home-listening")


async def albums_follow_a_rescan(page: Page, site: Site, token: str) -> None:
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Albums").click()
    titles = page.locator(".album-grid .album-title")
    await expect(titles.first).to_be_visible()
    await expect(titles.filter(has_text=NEW_ALBUM)).to_have_count(0)

    clip = encode_clip(site.music / "Newcomer" / NEW_ALBUM / "01 First.flac", "flac")
    tag_file(clip, title="First", artist="Newcomer", album=NEW_ALBUM, track_number=1)
    # The file watcher may have started a scan of the new folder already (409 then).
    async with httpx.AsyncClient(base_url=site.url, timeout=WAIT) as client:
        headers = {"Authorization": f"Bearer {token}"}
        started = await client.post("/api/scanner/start", json={}, headers=headers)
    assert started.is_success or started.status_code == 409, started.text
    # The scanner's library:change reaches the open page, which asks the server again.
    await expect(titles.filter(has_text=NEW_ALBUM)).to_have_count(1, timeout=TIMEOUT)


async def in_spanish(page: Page) -> None:
    await page.get_by_label("Language").select_option("es")
    await expect(page.get_by_role("heading", name="Álbumes", level=1)).to_be_visible()
    await expect(page.get_by_label("Ordenar por")).to_have_value("recent")
    await expect(page.get_by_role("searchbox", name="Buscar en la biblioteca")).to_be_visible()
