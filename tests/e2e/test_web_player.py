"""The web player in a real Chromium against a real `echo-music serve` with the fixture library
scanned and its loudness measured: an album plays (the active `<audio>` element's currentTime
advances), seeking, next and previous work, the queue is reordered with its buttons and by
dragging, a reload restores the queue and the position, and the normalisation gain read back
from the Web Audio graph differs between a loud and a quiet track by their measured difference.

Besides the generated fixture library, the music folder gets three 30 s tones on two discs (the
album the tests play; the fixture clips last a second) and two tones recorded 12 dB apart."""

from __future__ import annotations

import array
import asyncio
import math
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from playwright.async_api import Browser, Page, Request, expect

from tests.e2e.processes import PASSWORD, ProcessLogs
from tests.e2e.web import (
    ADMIN,
    WAIT,
    Site,
    complete_setup,
    scan_library,
    screenshot,
    served_site,
    web_page,
)
from tests.fixtures.audio import tag_file

TIMEOUT = WAIT * 1000
TONE_SECONDS = 30.0
ALBUM = "Test Tones"
ARTIST = "Echo Tester"
# (relative path, title, disc, track, frequency)
ALBUM_TRACKS = [
    ("Echo Tester/Test Tones/1-01 First Tone.flac", "First Tone", 1, 1, 330.0),
    ("Echo Tester/Test Tones/1-02 Second Tone.flac", "Second Tone", 1, 2, 440.0),
    ("Echo Tester/Test Tones/2-01 Third Tone.flac", "Third Tone", 2, 1, 550.0),
]
# Amplitudes (of full scale) about 12 dB apart: near −10 and −22 LUFS as a 1 kHz sine.
LOUD = ("Levels/Loud/Loud Tone.flac", "Loud Tone", "Loud", 0.35)
QUIET = ("Levels/Quiet/Quiet Tone.flac", "Quiet Tone", "Quiet", 0.0875)
ACTIVE_AUDIO = "#echo-audio audio[data-active=true]"


def write_tone(path: Path, seconds: float, frequency: float, amplitude: float) -> Path:
    """A stereo 16-bit FLAC sine; lossless, so its loudness is what was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 44_100
    count = int(rate * seconds)
    peak = int(32767 * amplitude)
    samples = array.array(
        "h",
        (
            value
            for i in range(count)
            for value in (int(peak * math.sin(2 * math.pi * frequency * i / rate)),) * 2
        ),
    )
    frame = av.AudioFrame(format="s16", layout="stereo", samples=count)
    frame.planes[0].update(samples.tobytes())
    frame.sample_rate = rate
    frame.pts = 0
    with av.open(str(path), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=rate)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "stereo"
        stream.format = "s16"
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def add_player_music(music: Path) -> None:
    for relative, title, disc, number, frequency in ALBUM_TRACKS:
        path = write_tone(music / relative, TONE_SECONDS, frequency, 0.2)
        tag_file(
            path, title=title, artist=ARTIST, album_artist=ARTIST, album=ALBUM, date="2024",
            disc_number=disc, disc_total=2, track_number=number, track_total=2,
        )  # fmt: skip
    for relative, title, album, amplitude in (LOUD, QUIET):
        path = write_tone(music / relative, 20.0, 1000.0, amplitude)
        tag_file(path, title=title, artist="Level Tester", album_artist="Level Tester", album=album)


@dataclass
class PlayerSite:
    site: Site
    tokens: dict[str, str]
    tracks: dict[str, dict[str, Any]]  # by title
    albums: dict[str, str]  # id by name

    def api(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens['accessToken']}"}
        return httpx.Client(base_url=self.site.url, headers=headers, timeout=WAIT)


def wait_for_loudness(site: Site, token: str) -> None:
    """Until the loudness analysis has nothing pending (it starts after the scan)."""
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.monotonic() + 180
    with httpx.Client(base_url=site.url, headers=headers, timeout=WAIT) as client:
        while time.monotonic() < deadline:
            status = client.get("/api/scanner/lufs-status").json()
            if status["pendingTracks"] == 0 and not status["isRunning"]:
                return
            time.sleep(0.5)
    pytest.fail(f"loudness analysis still pending after 180 s: {status}")


@pytest.fixture(scope="module")
def player_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlayerSite]:
    root = tmp_path_factory.mktemp("player-site")
    logs_folder = root / "logs"
    logs_folder.mkdir()
    with served_site(root / "site", ProcessLogs(logs_folder)) as site:
        add_player_music(site.music)
        complete_setup(site)
        login = httpx.post(
            f"{site.url}/api/auth/login",
            json={"username": ADMIN, "password": PASSWORD},
            timeout=WAIT,
        )
        login.raise_for_status()
        tokens = {key: login.json()[key] for key in ("accessToken", "refreshToken")}
        scan_library(site, tokens["accessToken"])
        wait_for_loudness(site, tokens["accessToken"])
        headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
        with httpx.Client(base_url=site.url, headers=headers, timeout=WAIT) as client:
            albums = {
                album["name"]: album["id"]
                for album in client.get("/api/albums", params={"take": 100}).json()["data"]
            }
            tracks: dict[str, dict[str, Any]] = {}
            for name in (ALBUM, "Loud", "Quiet"):
                page = client.get(f"/api/albums/{albums[name]}/tracks", params={"take": 100})
                tracks |= {track["title"]: track for track in page.json()["data"]}
        yield PlayerSite(site, tokens, tracks, albums)


@pytest.fixture
async def player_page(
    browser: Browser, player_site: PlayerSite
) -> AsyncIterator[tuple[Page, PlayerSite]]:
    """A fresh browser signed in as the administrator (the stored tokens, as after a login)."""
    async with web_page(browser, player_site.site) as (page, _problems):
        await page.goto("/login")
        await page.evaluate(
            "(tokens) => localStorage.setItem('echo.tokens', JSON.stringify(tokens))",
            player_site.tokens,
        )
        yield page, player_site


async def current_time(page: Page) -> float:
    value: float = await page.locator(ACTIVE_AUDIO).evaluate("(audio) => audio.currentTime")
    return value


async def wait_playing_past(page: Page, seconds: float) -> float:
    """Waits until the active element has played past `seconds` (and is not paused)."""
    await page.wait_for_function(
        """(seconds) => {
            const audio = document.querySelector("#echo-audio audio[data-active=true]");
            return audio && !audio.paused && audio.currentTime > seconds;
        }""",
        arg=seconds,
        timeout=TIMEOUT,
    )
    return await current_time(page)


async def expect_playing(page: Page, title: str) -> None:
    await expect(page.get_by_test_id("player-title")).to_have_text(title)
    track_id = await page.evaluate(
        "() => window.__echoPlayer.graph().find((d) => d.active).trackId"
    )
    assert track_id is not None


async def go_to(page: Page, label: str) -> None:
    """Client-side navigation through the sidebar (a page load would stop the music)."""
    await page.get_by_role("navigation", name="Main").get_by_role("link", name=label).click()


async def open_album(page: Page, name: str) -> None:
    if "/login" in page.url:
        await page.goto("/home")
    else:
        await go_to(page, "Home")
    # The album card's link opens the album page.
    await page.get_by_role("link", name=name, exact=True).first.click()
    await expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


async def queue_titles(page: Page) -> list[str]:
    titles: list[str] = await page.locator("#queue-panel .queue-title").all_inner_texts()
    return titles


async def test_an_album_plays_seeks_and_moves_between_tracks(
    player_page: tuple[Page, PlayerSite],
) -> None:
    page, player = player_page
    await open_album(page, ALBUM)
    # Two discs: the tracks are grouped under their disc.
    await expect(page.get_by_role("heading", name="Disc 1")).to_be_visible()
    await expect(page.get_by_role("heading", name="Disc 2")).to_be_visible()
    await screenshot(page, "album")

    await page.locator("main").get_by_role("button", name="Play", exact=True).click()
    await expect_playing(page, "First Tone")
    first = await wait_playing_past(page, 0.5)
    assert await wait_playing_past(page, first + 0.5) > first

    # Seek with the slider: a click at its middle lands near the middle of the track.
    slider = page.get_by_role("slider", name="Position in the track")
    box = await slider.bounding_box()
    assert box is not None
    await page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    middle = await wait_playing_past(page, 10)
    assert 12 <= middle <= 18, middle
    # The → shortcut seeks 5 s on (the focus is on the page, not in a field).
    await page.locator("main").focus()
    await page.keyboard.press("ArrowRight")
    assert await wait_playing_past(page, middle + 4) < middle + 8
    await screenshot(page, "album-playing")

    # Next; previous within 3 s goes back; previous later restarts the track.
    await page.get_by_role("button", name="Next track").click()
    await expect_playing(page, "Second Tone")
    assert await current_time(page) < 3
    await page.get_by_role("button", name="Previous track").click()
    await expect_playing(page, "First Tone")
    await wait_playing_past(page, 3.5)
    await page.get_by_role("button", name="Previous track").click()
    await expect_playing(page, "First Tone")
    await page.wait_for_function(
        "() => document.querySelector('#echo-audio audio[data-active=true]').currentTime < 3"
    )
    # "n" is next, except while typing in a field.
    await page.locator("main").focus()
    await page.keyboard.press("n")
    await expect_playing(page, "Second Tone")
    search = page.locator("#global-search")
    if await search.count():
        await search.fill("n")
        await page.keyboard.press("n")
        await expect_playing(page, "Second Tone")

    # "First Tone" was left by "next" each time before 30 % of it was heard: skips, with the
    # share heard (the seeks ahead do not count as heard).
    with player.api() as client:
        history = client.get("/api/play-tracking/history").json()
    first_id = player.tracks["First Tone"]["id"]
    skips = [event for event in history if event["trackId"] == first_id and event["skipped"]]
    assert skips, history
    assert all(0 < event["completionRate"] < 0.5 for event in skips)


async def test_the_queue_is_reordered_and_survives_a_reload(
    player_page: tuple[Page, PlayerSite],
) -> None:
    page, _player = player_page
    await open_album(page, "Loud")
    await page.locator("main").get_by_role("button", name="Play", exact=True).click()
    await expect_playing(page, "Loud Tone")
    await open_album(page, ALBUM)
    await page.locator("main").get_by_role("button", name="Add to queue", exact=True).click()
    await expect(page.get_by_role("status").filter(has_text="Added to the queue")).to_be_visible()

    await page.get_by_role("button", name="Queue", exact=True).click()
    panel = page.get_by_role("dialog", name="Queue")
    await expect(panel).to_be_visible()
    assert await queue_titles(page) == ["Loud Tone", "First Tone", "Second Tone", "Third Tone"]

    # With the keyboard: move "Third Tone" up twice, its button keeping the focus.
    await panel.get_by_role("button", name="Move Third Tone up").focus()
    await page.keyboard.press("Enter")
    await expect(panel.get_by_role("button", name="Move Third Tone up")).to_be_focused()
    await page.keyboard.press("Enter")
    assert await queue_titles(page) == ["Loud Tone", "Third Tone", "First Tone", "Second Tone"]
    # By dragging: "Second Tone" onto "Third Tone".
    items = panel.locator(".queue-item")
    await items.nth(3).drag_to(items.nth(1))
    assert await queue_titles(page) == ["Loud Tone", "Second Tone", "Third Tone", "First Tone"]
    # Remove "First Tone".
    await panel.get_by_role("button", name="Remove First Tone from the queue").click()
    assert await queue_titles(page) == ["Loud Tone", "Second Tone", "Third Tone"]
    await screenshot(page, "queue")

    # Play on a while, pause at a known position, reload.
    await page.locator("main").focus()
    await page.keyboard.press("ArrowRight")
    position = await wait_playing_past(page, 6)
    await page.locator(".player-bar").get_by_role("button", name="Pause").click()
    await page.wait_for_function(
        "() => document.querySelector('#echo-audio audio[data-active=true]').paused"
    )
    position = await current_time(page)
    await page.reload()

    await expect(page.get_by_test_id("player-title")).to_have_text("Loud Tone")
    shown = await page.get_by_test_id("player-position").inner_text()
    minutes, seconds = shown.split(":")
    assert abs(int(minutes) * 60 + int(seconds) - position) <= 1.5, (shown, position)
    await page.get_by_role("button", name="Queue", exact=True).click()
    assert await queue_titles(page) == ["Loud Tone", "Second Tone", "Third Tone"]
    # Play continues where it was.
    await page.locator(".player-bar").get_by_role("button", name="Play", exact=True).click()
    resumed = await wait_playing_past(page, position - 0.5)
    assert resumed < position + 5


async def test_normalisation_gain_differs_by_the_measured_loudness_difference(
    player_page: tuple[Page, PlayerSite],
) -> None:
    page, player = player_page
    with player.api() as client:
        loud = client.get(f"/api/tracks/{player.tracks['Loud Tone']['id']}/loudness").json()
        quiet = client.get(f"/api/tracks/{player.tracks['Quiet Tone']['id']}/loudness").json()
    assert loud["source"] == quiet["source"] == "measured"
    # rgTrackGain = −16 − integrated loudness.
    measured_difference = quiet["rgTrackGain"] - loud["rgTrackGain"]
    assert measured_difference > 10, (loud, quiet)

    await open_album(page, "Loud")
    await page.locator("main").get_by_role("button", name="Play", exact=True).click()
    await open_album(page, "Quiet")
    await page.locator("main").get_by_role("button", name="Add to queue", exact=True).click()
    await expect_playing(page, "Loud Tone")
    await wait_playing_past(page, 0.2)
    loud_gain = await applied_gain(page, player.tracks["Loud Tone"]["id"])

    await page.get_by_role("button", name="Next track").click()
    await expect_playing(page, "Quiet Tone")
    await wait_playing_past(page, 0.2)
    quiet_gain = await applied_gain(page, player.tracks["Quiet Tone"]["id"])

    assert abs((quiet_gain - loud_gain) - measured_difference) <= 0.1, (
        loud_gain,
        quiet_gain,
        measured_difference,
    )
    # At the default target (−16 LUFS) each gain is the track's own rgTrackGain (no peak limit:
    # both tones peak far below −1 dBTP after their gain).
    assert abs(loud_gain - loud["rgTrackGain"]) <= 0.1
    assert abs(quiet_gain - quiet["rgTrackGain"]) <= 0.1

    # A new target in the settings moves the gain of what is playing by as much.
    await go_to(page, "Settings")
    target = page.get_by_role("slider", name="Target loudness")
    await target.focus()
    for _ in range(2):
        await page.keyboard.press("ArrowRight")  # −16 → −14 LUFS
    await expect(page.get_by_text("-14 LUFS")).to_be_visible()
    await screenshot(page, "settings")
    raised = await applied_gain(page, player.tracks["Quiet Tone"]["id"])
    assert abs(raised - (quiet_gain + 2)) <= 0.1, (raised, quiet_gain)
    # Off: no gain at all.
    await page.get_by_role("checkbox", name="Loudness normalisation").uncheck()
    assert abs(await applied_gain(page, player.tracks["Quiet Tone"]["id"])) <= 0.01


async def applied_gain(page: Page, track_id: str) -> float:
    """The active deck's normalisation GainNode value, in dB (window.__echoPlayer.graph())."""
    await page.wait_for_function(
        "(id) => window.__echoPlayer?.graph().some((d) => d.active && d.trackId === id)",
        arg=track_id,
        timeout=TIMEOUT,
    )
    decks: list[dict[str, Any]] = await page.evaluate("() => window.__echoPlayer.graph()")
    active = next(deck for deck in decks if deck["active"])
    assert active["normalizationGain"] is not None, "no Web Audio graph"
    gain: float = 20 * math.log10(active["normalizationGain"])
    return gain


async def test_tracks_crossfade_over_the_configured_length_with_the_next_one_preloaded(
    player_page: tuple[Page, PlayerSite],
) -> None:
    page, _player = player_page
    await page.goto("/settings")
    crossfade = page.get_by_role("slider", name="Crossfade")
    await crossfade.focus()
    for _ in range(4):
        await page.keyboard.press("ArrowRight")  # 0 → 4 s
    await expect(page.locator("output[for=crossfade]")).to_have_text("4 s")

    await open_album(page, ALBUM)
    await page.locator("main").get_by_role("button", name="Play", exact=True).click()
    await expect_playing(page, "First Tone")
    # The Media Session shows the track.
    title = await page.evaluate("() => navigator.mediaSession.metadata?.title")
    assert title == "First Tone"
    await wait_playing_past(page, 0.2)
    await page.locator("main").focus()
    for _ in range(4):
        await page.keyboard.press("ArrowRight")  # to about 20 s: the next track preloads
    await wait_playing_past(page, 19)

    # Both decks play at once during the fade, the incoming one now active and rising.
    await page.wait_for_function(
        """() => {
            const decks = window.__echoPlayer.graph();
            return decks.every((deck) => !deck.paused) && decks.some((deck) => deck.active && deck.fadeGain < 1);
        }""",
        timeout=TIMEOUT,
    )
    decks = await page.evaluate("() => window.__echoPlayer.graph()")
    incoming = next(deck for deck in decks if deck["active"])
    outgoing = next(deck for deck in decks if not deck["active"])
    assert incoming["currentTime"] < 4.5
    assert outgoing["currentTime"] > 25
    # Equal power: the squared gains add up to about 1 throughout.
    assert 0.8 <= incoming["fadeGain"] ** 2 + outgoing["fadeGain"] ** 2 <= 1.2, decks
    await expect(page.get_by_test_id("player-title")).to_have_text("Second Tone")

    # After the fade the outgoing deck stops and the incoming one plays at full level.
    await page.wait_for_function(
        """() => {
            const decks = window.__echoPlayer.graph();
            const active = decks.find((deck) => deck.active);
            const other = decks.find((deck) => !deck.active);
            return active.fadeGain === 1 && other.paused && other.trackId === null;
        }""",
        timeout=TIMEOUT,
    )


async def test_a_track_heard_to_the_end_is_reported_as_a_play_with_the_playback_state(
    player_page: tuple[Page, PlayerSite],
) -> None:
    page, player = player_page
    quiet_id = player.tracks["Quiet Tone"]["id"]
    stopped = {"isPlaying": False, "currentTrackId": quiet_id}
    states: list[dict[str, Any]] = []
    settled = asyncio.Event()

    def record_state(request: Request) -> None:
        if request.method == "PUT" and request.url.endswith("/api/play-tracking/playback-state"):
            states.append(request.post_data_json or {})
            if states[-1] == stopped:
                settled.set()

    page.on("request", record_state)
    with player.api() as client:
        before = len(client.get("/api/play-tracking/history", params={"limit": 500}).json())

    await open_album(page, "Quiet")
    await page.locator("main").get_by_role("button", name="Play", exact=True).click()
    await wait_playing_past(page, 0.2)
    # Four times as fast: the 20 s tone is heard to its end in 5 s.
    await page.locator(ACTIVE_AUDIO).evaluate("(audio) => { audio.playbackRate = 4; }")
    await expect(
        page.locator(".player-bar").get_by_role("button", name="Play", exact=True)
    ).to_be_visible(timeout=TIMEOUT)

    deadline = time.monotonic() + WAIT
    with player.api() as client:
        while True:
            history = client.get("/api/play-tracking/history", params={"limit": 500}).json()
            if len(history) > before or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    latest = history[0]
    assert latest["trackId"] == quiet_id
    assert latest["skipped"] is False
    assert latest["completionRate"] == 1
    assert latest["playContext"] == "album"
    # Playing, then stopped at the end of the queue, each sent once it settled.
    assert {"isPlaying": True, "currentTrackId": quiet_id} in states, states
    await asyncio.wait_for(settled.wait(), WAIT)
    assert states[-1] == stopped, states
