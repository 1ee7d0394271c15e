"""Transcoded streams on both storage tiers, decoded back with PyAV: formats, bit rates, offsets,
what is sent as it is, the caps per user and per process, the on-disk cache and its eviction."""

from __future__ import annotations

import array
import asyncio
import io
import math
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from echo.bootstrap import Services
from echo.settings import Settings
from tests.builders import LoggedIn, create_and_login
from tests.conftest import make_settings
from tests.fixtures.audio import encode_clip, tag_file
from tests.fixtures.scanning import scan_library, track_named

RATE = 44_100
HALF = 10.0  # the test file: 10 s of silence, then 10 s of a 441 Hz tone
CODECS = {"opus": ("audio/ogg", "opus"), "mp3": ("audio/mpeg", "mp3"), "aac": ("audio/aac", "aac")}


def silence_then_tone(path: Path) -> Path:
    """A stereo FLAC whose second half is loud: shows where a stream starts."""
    period = [int(12_000 * math.sin(2 * math.pi * i / 100)) for i in range(100)]  # 441 Hz
    samples = int(RATE * HALF)
    mono = array.array("h", bytes(2 * samples)) + array.array("h", period * (samples // 100))
    stereo = array.array("h", (value for sample in mono for value in (sample, sample)))
    frame = av.AudioFrame(format="s16", layout="stereo", samples=len(mono))
    frame.planes[0].update(stereo.tobytes())
    frame.sample_rate = RATE
    frame.pts = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w", format="flac") as container:
        stream = container.add_stream("flac", rate=RATE)
        assert isinstance(stream, av.AudioStream)
        stream.layout = "stereo"
        stream.format = "s16"
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    tag_file(path, title="Silence Then Tone", artist="Tester", album="Transcodes")
    return path


_source: dict[str, bytes] = {}


@pytest.fixture
async def library(library_dir: Path, services: Services) -> Path:
    flac = library_dir / "Tester" / "Silence Then Tone.flac"
    if "flac" not in _source:
        _source["flac"] = silence_then_tone(flac).read_bytes()
    else:
        flac.parent.mkdir(parents=True, exist_ok=True)
        flac.write_bytes(_source["flac"])
    for name, fmt in (("Windows.wma", "wma"), ("Plain.mp3", "mp3"), ("Fake.ape", "ape")):
        path = encode_clip(library_dir / "Tester" / name, fmt, 1.0)
        tag_file(path, title=name, artist="Tester", album="Transcodes")
    await scan_library(services)
    return library_dir


async def stream_token(client: AsyncClient, user: LoggedIn) -> str:
    response = await client.post("/api/stream-token/generate", headers=user.headers)
    token: str = response.json()["token"]
    return token


@pytest.fixture
async def token(client: AsyncClient, alice: LoggedIn) -> str:
    return await stream_token(client, alice)


async def url_of(services: Services, file_name: str) -> str:
    track = await track_named(services, file_name)
    return f"/api/tracks/{track.id}/stream"


FLAC = "Silence Then Tone.flac"


@dataclass
class Decoded:
    codec: str
    rate: int
    bit_rate: int | None
    samples: np.ndarray[Any, np.dtype[np.float32]]

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate

    def loudness(self, start: float, end: float) -> float:
        part = self.samples[int(start * self.rate) : int(end * self.rate)]
        return float(np.sqrt(np.mean(part**2))) if len(part) else 0.0


def decode(data: bytes) -> Decoded:
    """Every sample of the first channel, as floats."""
    chunks = []
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        codec = stream.codec_context.codec.canonical_name
        rate, bit_rate = stream.rate, stream.bit_rate
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        for frame in container.decode(stream):
            for converted in resampler.resample(frame):
                chunks.append(converted.to_ndarray()[0])
    return Decoded(codec, rate, bit_rate, np.concatenate(chunks).astype(np.float32))


async def test_each_format_decodes_back_to_the_duration_of_the_source(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    for fmt, (mime, codec) in CODECS.items():
        response = await client.get(url, params={"token": token, "format": fmt})

        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == mime
        assert response.headers["accept-ranges"] == "none"
        assert response.headers["x-content-duration"] == "20.000"
        decoded = decode(response.content)
        assert decoded.codec == codec
        assert decoded.duration == pytest.approx(20.0, abs=0.1), fmt
        assert decoded.loudness(1, 9) < 0.01 < 0.2 < decoded.loudness(11, 19), fmt


async def test_the_bit_rate_asked_for_is_the_one_encoded(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    for kbps in (96, 256):
        response = await client.get(url, params={"token": token, "format": "mp3", "bitrate": kbps})

        assert len(response.content) == pytest.approx(kbps * 1000 / 8 * 20, rel=0.05)
        assert decode(response.content).bit_rate == kbps * 1000


async def test_a_stream_from_an_offset_starts_there(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    for fmt in CODECS:
        response = await client.get(url, params={"token": token, "format": fmt, "offset": 9.5})

        assert response.headers["x-content-duration"] == "10.500"
        decoded = decode(response.content)
        assert decoded.duration == pytest.approx(10.5, abs=0.15), fmt
        # Half a second of silence, then the tone: the cut is within a frame of the offset.
        assert decoded.loudness(0.05, 0.35) < 0.01, fmt
        assert decoded.loudness(0.75, 10) > 0.2, fmt


async def test_an_offset_at_or_past_the_end_is_refused(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    response = await client.get(url, params={"token": token, "format": "opus", "offset": 20})
    assert response.status_code == 400
    assert "offset" in response.json()["message"]


async def test_what_a_browser_plays_is_sent_as_it_is_and_the_rest_is_transcoded(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    mp3 = (library / "Tester" / "Plain.mp3").read_bytes()
    wma = (library / "Tester" / "Windows.wma").read_bytes()
    wma_url, mp3_url = await url_of(services, "Windows.wma"), await url_of(services, "Plain.mp3")

    as_is = await client.get(mp3_url, params={"token": token})
    same_format = await client.get(mp3_url, params={"token": token, "format": "mp3"})
    lower_rate = await client.get(mp3_url, params={"token": token, "format": "mp3", "bitrate": 64})
    default = await client.get(wma_url, params={"token": token})
    raw = await client.get(wma_url, params={"token": token, "format": "raw"})

    assert as_is.content == mp3
    assert same_format.content == mp3  # already MP3, at no more than the bit rate asked for
    assert lower_rate.content != mp3
    assert decode(lower_rate.content).bit_rate == 64_000
    assert default.headers["content-type"] == "audio/ogg"  # ECHO_TRANSCODE_DEFAULT_FORMAT
    assert decode(default.content).codec == "opus"
    assert decode(default.content).duration == pytest.approx(1.0, abs=0.1)
    assert raw.content == wma
    assert raw.headers["content-type"] == "audio/x-ms-wma"


async def test_a_file_that_does_not_decode_is_422(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, "Fake.ape")
    response = await client.get(url, params={"token": token, "format": "opus"})
    assert response.status_code == 422
    assert "cannot be transcoded" in response.json()["message"]


async def test_head_of_a_transcode_answers_its_headers_without_encoding(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)

    response = await client.head(url, params={"token": token, "format": "aac"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/aac"
    assert response.content == b""
    assert not (services.settings.data_dir / "transcodes").exists()


def cached_files(services: Services) -> list[Path]:
    root = services.settings.data_dir / "transcodes"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


async def test_a_finished_transcode_is_cached_and_served_like_a_file(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    query = {"token": token, "format": "opus", "bitrate": 96}

    first = await client.get(url, params=query)
    (cached,) = cached_files(services)
    second = await client.get(url, params=query)
    part = await client.get(url, params=query, headers={"Range": "bytes=100-199"})
    offset = await client.get(url, params={**query, "offset": 5})

    assert cached.suffix == ".opus"
    assert cached.read_bytes() == first.content
    assert "content-length" not in first.headers  # live: length unknown
    assert second.content == first.content
    assert second.headers["content-length"] == str(len(first.content))
    assert second.headers["content-type"] == "audio/ogg"
    assert second.headers["accept-ranges"] == "bytes"
    assert part.status_code == 206
    assert part.content == first.content[100:200]
    assert offset.status_code == 200
    assert len(cached_files(services)) == 1  # streams from an offset are not kept


async def test_a_finished_aac_transcode_is_cached_as_an_mp4_that_states_its_duration(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)
    query = {"token": token, "format": "aac"}

    live = await client.get(url, params=query)
    (cached,) = cached_files(services)
    second = await client.get(url, params=query)

    assert live.headers["content-type"] == "audio/aac"  # ADTS: streams, but states no duration
    assert cached.suffix == ".m4a"
    assert second.headers["content-type"] == "audio/mp4"
    assert second.headers["accept-ranges"] == "bytes"
    with av.open(io.BytesIO(second.content)) as container:
        assert container.format.name.startswith("mov,mp4,m4a")
        # Stated in the index at the start, not estimated from the bit rate as for ADTS.
        assert container.duration is not None
        assert container.duration / av.time_base == pytest.approx(2 * HALF, abs=0.1)
    assert decode(second.content).samples.tobytes() == decode(live.content).samples.tobytes()


# Transcodes held open: the response has started and the client reads no further.


@dataclass
class OpenStream:
    task: asyncio.Task[None]
    started: asyncio.Event = field(default_factory=asyncio.Event)
    leave: asyncio.Event = field(default_factory=asyncio.Event)
    messages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> int:
        return int(self.messages[0]["status"])

    async def disconnect(self) -> None:
        self.leave.set()
        await asyncio.wait_for(self.task, timeout=10)


async def open_stream(app: FastAPI, path: str, query: str) -> OpenStream:
    """A GET whose client receives the first chunk and then stalls until `disconnect`."""
    stream = OpenStream(task=None)  # type: ignore[arg-type]
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await stream.leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        stream.messages.append(message)
        if message["type"] == "http.response.body" or message.get("status", 200) >= 400:
            stream.started.set()
        if message["type"] == "http.response.body":
            await stream.leave.wait()  # a client that does not read

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
        "query_string": query.encode(), "headers": [(b"host", b"testserver")],
        "client": ("203.0.113.7", 50000), "server": ("testserver", 80), "root_path": "",
    }  # fmt: skip
    stream.task = asyncio.create_task(app(scope, receive, send))
    await asyncio.wait_for(stream.started.wait(), timeout=20)
    return stream


@pytest.fixture
def settings(
    backend: str, database_urls: dict[str, str], tmp_path: Path, library_dir: Path
) -> Settings:
    """One transcode per user and two per process, so the caps are reached quickly."""
    return make_settings(
        backend,
        database_urls,
        tmp_path,
        library_dir,
        transcode_max_per_user=1,
        transcode_max_concurrent=2,
        transcode_cache_mb=1,
    )


@pytest.fixture
async def streams(app: FastAPI) -> AsyncIterator[list[OpenStream]]:
    opened: list[OpenStream] = []
    yield opened
    for stream in opened:
        if not stream.task.done():
            await stream.disconnect()


async def test_past_the_caps_a_transcode_is_refused_with_429_and_retry_after(
    app: FastAPI,
    client: AsyncClient,
    alice: LoggedIn,
    token: str,
    services: Services,
    library: Path,
    streams: list[OpenStream],
) -> None:
    url = await url_of(services, FLAC)
    bob_token = await stream_token(client, await create_and_login(services, client, "bob"))
    carol_token = await stream_token(client, await create_and_login(services, client, "carol"))
    live = "format=opus&offset=1&token="  # from an offset: never served from the cache

    streams.append(await open_stream(app, url, live + token))
    second = await client.get(url, params={"token": token, "format": "opus", "offset": 1})
    # Bob's token counts for Bob, not for Alice, whose token it is not.
    streams.append(await open_stream(app, url, live + bob_token))
    carol = await client.get(url, params={"token": carol_token, "format": "opus", "offset": 1})
    as_is = await client.get(url, params={"token": carol_token})

    assert [stream.status for stream in streams] == [200, 200]
    assert second.status_code == 429
    assert second.headers["retry-after"] == "5"
    assert "You already run 1 transcode;" in second.json()["message"]
    assert carol.status_code == 429  # the process's cap of 2
    assert "The server already runs 2 transcodes" in carol.json()["message"]
    assert as_is.status_code == 200  # plain streams are not capped

    # A client that goes away frees its transcode at once.
    await streams[0].disconnect()
    again = await client.get(url, params={"token": token, "format": "opus", "offset": 1})
    assert again.status_code == 200
    assert decode(again.content).duration == pytest.approx(19.0, abs=0.15)


async def test_a_client_that_disconnects_stops_the_transcoder_and_leaves_nothing_cached(
    app: FastAPI, token: str, services: Services, library: Path, streams: list[OpenStream]
) -> None:
    url = await url_of(services, FLAC)
    stream = await open_stream(app, url, f"format=mp3&bitrate=320&token={token}")
    streams.append(stream)

    await stream.disconnect()
    # Time for a transcoder left running to finish and store its result: it must not.
    await asyncio.sleep(1.0)

    assert stream.status == 200
    assert not any(m.get("more_body") is False for m in stream.messages)
    assert cached_files(services) == []


async def test_the_least_recently_used_transcodes_are_evicted_past_the_size_limit(
    client: AsyncClient, token: str, services: Services, library: Path
) -> None:
    url = await url_of(services, FLAC)

    async def transcode(kbps: int) -> None:
        response = await client.get(url, params={"token": token, "format": "mp3", "bitrate": kbps})
        assert response.status_code == 200

    await transcode(128)  # 320 kB
    await transcode(96)  # 240 kB
    assert len(cached_files(services)) == 2
    await asyncio.sleep(0.02)
    await transcode(128)  # a cache hit: now the most recently used
    await transcode(256)  # 640 kB: over 1 MB, so the least recently used (96) goes

    sizes = sorted(path.stat().st_size for path in cached_files(services))
    assert sizes == [pytest.approx(320_000, rel=0.05), pytest.approx(640_000, rel=0.05)]
