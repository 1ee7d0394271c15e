"""A real Chromium `<audio>` element against a real `echo-music serve`: every format the scanner
reads plays with the right duration and seeks to its middle, whether it is sent as it is or
transcoded, and so do the formats a client asks for explicitly.

A transcode streamed while it is encoded has no length, so Chromium cannot know its duration
(it reports Infinity) nor fetch byte ranges of it: a player takes the duration from the track or
from `X-Content-Duration` and seeks by asking for the stream again with `offset=`. Once a
transcode has finished it is cached and sent like a file, with Range, and then the element
knows the duration and seeks by itself."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.e2e.conftest import LOGS
from tests.e2e.processes import (
    JWT_REFRESH_SECRET,
    JWT_SECRET,
    PASSWORD,
    ProcessLogs,
    Server,
    run_cli,
    running_server,
    site_env,
)
from tests.fixtures.audio import FORMATS, encode_clip, tag_file

CLIP_SECONDS = 20.0
MIDDLE = CLIP_SECONDS / 2
# Lossy codecs add or drop a few milliseconds of priming and padding; Chromium counts them.
TOLERANCE = 0.1
# Playing at 16x (the most Chromium allows) keeps the module short; the assertions are about
# positions, never about time.
RATE = 16.0
WAIT = 30.0  # seconds any one step in the page may take on a busy machine

# Formats whose files Chromium plays as they are (media.browser_can_play), and the ones the
# server transcodes to its default format. APE is missing: FFmpeg cannot encode it, and the
# fixture's hand-made file has no real audio to play.
AS_IS = ("mp3", "flac", "m4a", "ogg", "opus", "wav")
TRANSCODED = ("m4a-alac", "aiff", "wma", "wv", "dsf")
# Formats a client may ask for, with their types while encoding and once cached; the source is
# the FLAC, which has no such codec.
REQUESTED = {
    "opus": ("audio/ogg", "audio/ogg"),
    "mp3": ("audio/mpeg", "audio/mpeg"),
    "aac": ("audio/aac", "audio/mp4"),
}
SOURCE_OF_REQUESTED = "flac"
NEW_PASSWORD = "An0ther-secret!"

PLAY = """
async ({url, seekTo, rate, wait}) => {
  const audio = new Audio();
  audio.muted = true;
  audio.preload = "auto";
  const seen = {};
  let failed = null;
  const failure = new Promise((_, reject) => {
    audio.addEventListener("error", () => {
      failed = `media error ${audio.error.code}: ${audio.error.message || "(no message)"}`;
      reject(new Error(failed));
    });
  });
  failure.catch(() => {});
  const until = (what, event, condition) => Promise.race([
    new Promise((resolve) => {
      const check = () => {
        if (condition()) {
          audio.removeEventListener(event, check);
          resolve();
        }
      };
      audio.addEventListener(event, check);
      check();
    }),
    failure,
    new Promise((_, reject) => setTimeout(
      () => reject(new Error(`${what}: nothing within ${wait} s`)), wait * 1000)),
  ]);
  let fired = {};
  for (const name of ["loadedmetadata", "seeked", "ended"]) {
    audio.addEventListener(name, () => { fired[name] = true; });
  }
  try {
    audio.src = url;
    await until("loadedmetadata", "loadedmetadata", () => fired.loadedmetadata);
    seen.duration = audio.duration;
    let start = 0;
    if (seekTo !== null) {
      audio.currentTime = seekTo;
      await until("seeked", "seeked", () => fired.seeked);
      seen.seekedAt = audio.currentTime;
      start = seekTo;
    }
    audio.playbackRate = rate;
    await Promise.race([audio.play(), failure]);
    await until("advancing past the start", "timeupdate", () => audio.currentTime > start + 0.5);
    seen.advancedTo = audio.currentTime;
    await until("ended", "ended", () => fired.ended);
    seen.endedAt = audio.currentTime;
  } catch (error) {
    seen.failure = error.message;
    seen.currentTime = audio.currentTime;
    seen.readyState = audio.readyState;
    seen.networkState = audio.networkState;
  } finally {
    audio.removeAttribute("src");
    audio.load();
  }
  return seen;
}
"""

HEAD = """
async (url) => {
  const response = await fetch(url, {method: "HEAD"});
  return {
    status: response.status,
    acceptRanges: response.headers.get("accept-ranges"),
    contentDuration: response.headers.get("x-content-duration"),
    contentType: response.headers.get("content-type"),
  };
}
"""


@dataclass(frozen=True)
class Site:
    server: Server
    logs: ProcessLogs
    stream_token: str
    tracks: dict[str, str]  # fixture format name -> track id

    def stream(self, fmt: str, **params: str | float) -> str:
        """The stream URL of the clip in format `fmt`, relative to the server."""
        query = urlencode({"token": self.stream_token, **params})
        return f"/api/tracks/{self.tracks[fmt]}/stream?{query}"


def library(music: Path) -> None:
    for name in (*AS_IS, *TRANSCODED):
        path = encode_clip(music / "Formats" / f"{name}.{FORMATS[name].suffix}", name, CLIP_SECONDS)
        tag_file(path, title=name, artist="Tester", album="Formats")


def logged_in(url: str) -> tuple[str, dict[str, str]]:
    """The stream token of the admin after its first login, and the ids of the tracks."""
    with httpx.Client(base_url=url, timeout=WAIT) as http:
        login = http.post("/api/auth/login", json={"username": "root", "password": PASSWORD})
        assert login.status_code == 200, login.text
        auth = {"Authorization": f"Bearer {login.json()['accessToken']}"}
        changed = http.put("/api/users/password", json={"newPassword": NEW_PASSWORD}, headers=auth)
        assert changed.status_code == 204, changed.text
        tracks = http.get("/api/tracks", params={"take": 100}, headers=auth)
        assert tracks.status_code == 200, tracks.text
        token = http.post("/api/stream-token/generate", headers=auth)
        assert token.status_code == 200, token.text
    return token.json()["token"], {track["title"]: track["id"] for track in tracks.json()["data"]}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """One serve for the module, with a clip in every format, scanned, and a logged-in admin."""
    root = tmp_path_factory.mktemp("playback")
    logs_folder = root / "logs"
    logs_folder.mkdir()
    logs = ProcessLogs(logs_folder)
    env = site_env(
        root / "site",
        ECHO_JWT_SECRET=JWT_SECRET,
        ECHO_JWT_REFRESH_SECRET=JWT_REFRESH_SECRET,
        ECHO_WATCH_LIBRARY="false",
    )
    # Each step is mostly waiting for another process: the admin is created while the clips
    # are encoded, and the server starts while they are scanned.
    with ThreadPoolExecutor(1) as background:
        created = background.submit(
            run_cli, ["user", "create", "root", "--admin"], env, root, PASSWORD + "\n"
        )
        library(root / "site" / "music")
        assert created.result().returncode == 0, created.result().stderr
        scanned = background.submit(run_cli, ["scan"], env, root)
        with running_server(logs, root, env) as server:
            assert scanned.result().returncode == 0, scanned.result().stderr
            token, tracks = logged_in(server.url)
            assert set(tracks) == {*AS_IS, *TRANSCODED}
            yield Site(server, logs, token, tracks)


@pytest.fixture(autouse=True)
def server_log_in_failures(request: pytest.FixtureRequest, site: Site) -> None:
    request.node.stash[LOGS] = site.logs


@pytest.fixture(scope="module")
async def page(browser: Browser, site: Site) -> AsyncIterator[Page]:
    """A tab on the server's origin, so the streams are same-origin requests."""
    context = await browser.new_context()
    tab = await context.new_page()
    await tab.goto(f"{site.server.url}/api/health")
    yield tab
    await context.close()


async def play(page: Page, url: str, seek_to: float | None = None) -> dict[str, Any]:
    """Plays `url` to its end in a new `<audio>` element, after seeking to `seek_to` by setting
    currentTime; what the element reported on the way, or why it stopped."""
    seen: dict[str, Any] = await page.evaluate(
        PLAY, {"url": url, "seekTo": seek_to, "rate": RATE, "wait": WAIT}
    )
    assert "failure" not in seen, f"{url}: {seen}"
    return seen


async def head(page: Page, url: str) -> dict[str, Any]:
    answer: dict[str, Any] = await page.evaluate(HEAD, url)
    assert answer["status"] == 200, answer
    return answer


def assert_played_from_the_middle_to_the_end(seen: dict[str, Any], *, live: bool = False) -> None:
    """`live`: a stream still being encoded, whose duration Chromium cannot know (Infinity);
    it still seeks by reading on, since the transcoder runs faster than playback."""
    if not live or math.isfinite(seen["duration"]):
        assert seen["duration"] == pytest.approx(CLIP_SECONDS, abs=TOLERANCE), seen
    assert seen["seekedAt"] == pytest.approx(MIDDLE, abs=TOLERANCE), seen
    assert MIDDLE < seen["advancedTo"] < CLIP_SECONDS, seen
    assert seen["endedAt"] == pytest.approx(CLIP_SECONDS, abs=TOLERANCE), seen


def wait_until_cached(site: Site, url: str) -> None:
    """Until the finished transcode is served from the cache, as a file with Range."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        answer = httpx.head(f"{site.server.url}{url}", timeout=WAIT)
        assert answer.status_code == 200, answer.text
        if answer.headers.get("accept-ranges") == "bytes":
            return
        time.sleep(0.2)
    pytest.fail(f"the transcode of {url} was not cached within {WAIT:.0f} s")


async def assert_transcode_plays_seeks_by_offset_and_then_by_range(
    page: Page, site: Site, url: str, live_mime: str, cached_mime: str
) -> None:
    live = await head(page, url)
    assert live["contentType"] == live_mime, live
    assert live["acceptRanges"] == "none", live
    assert float(live["contentDuration"]) == pytest.approx(CLIP_SECONDS, abs=TOLERANCE), live

    assert_played_from_the_middle_to_the_end(await play(page, url, MIDDLE), live=True)

    # A player seeks in a live transcode by asking for it again from the new position.
    from_middle = f"{url}&{urlencode({'offset': MIDDLE})}"
    assert float((await head(page, from_middle))["contentDuration"]) == pytest.approx(
        CLIP_SECONDS - MIDDLE, abs=TOLERANCE
    )
    rest = await play(page, from_middle)
    assert rest["endedAt"] == pytest.approx(CLIP_SECONDS - MIDDLE, abs=TOLERANCE), rest

    # The first play read the whole transcode to its end, and the server then cached it.
    wait_until_cached(site, url)
    cached = await head(page, url)
    assert cached["contentType"] == cached_mime, cached
    assert_played_from_the_middle_to_the_end(await play(page, url, MIDDLE))


@pytest.mark.parametrize("fmt", AS_IS)
async def test_a_file_the_browser_plays_is_sent_as_it_is_and_seeks_to_its_middle(
    page: Page, site: Site, fmt: str
) -> None:
    url = site.stream(fmt)
    answer = await head(page, url)
    assert answer["acceptRanges"] == "bytes", answer

    assert_played_from_the_middle_to_the_end(await play(page, url, MIDDLE))


@pytest.mark.parametrize("fmt", TRANSCODED)
async def test_a_file_the_browser_cannot_play_is_transcoded_and_seeks_by_offset_then_by_range(
    page: Page, site: Site, fmt: str
) -> None:
    await assert_transcode_plays_seeks_by_offset_and_then_by_range(
        page, site, site.stream(fmt), "audio/ogg", "audio/ogg"
    )


@pytest.mark.parametrize("fmt", REQUESTED)
async def test_a_requested_format_is_transcoded_and_seeks_by_offset_then_by_range(
    page: Page, site: Site, fmt: str
) -> None:
    await assert_transcode_plays_seeks_by_offset_and_then_by_range(
        page, site, site.stream(SOURCE_OF_REQUESTED, format=fmt), *REQUESTED[fmt]
    )
