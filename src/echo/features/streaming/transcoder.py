"""The transcoder processes: decode any file with PyAV, encode Opus, MP3 or AAC, and write the
encoded bytes to a pipe as they come (and to the cache file, when asked).

Each transcode is a process of its own, so a decoder crashing on a broken file cannot take the
server down and a client going away ends it with one kill. They are forked by a small "zygote"
process that has PyAV loaded: a child of the multiprocessing forkserver would first re-import
the server's main module, which costs about a second. Messages on the pipe are a kind byte and
a big-endian length: D (data), E (error text), Z (finished)."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import socket
import struct
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

# The server imports this module for the job and format types only: PyAV is imported where
# it decodes, in the zygote's children (the forkserver preloads it, see bootstrap.py), so it
# is not part of the server's resident memory.
if TYPE_CHECKING:
    import av
    from av.audio.stream import AudioStream

HEADER = struct.Struct(">cI")
DATA, ERROR, END = b"D", b"E", b"Z"


@dataclass(frozen=True, slots=True)
class CachedContainer:
    """Where a finished transcode is kept in another container than the one it streamed in."""

    container: str
    mime: str
    extension: str


@dataclass(frozen=True, slots=True)
class OutputFormat:
    container: str
    codec: str
    mime: str
    extension: str
    rates: tuple[int, ...]  # sample rates the encoder takes; the first is the fallback
    cached_as: CachedContainer | None = None

    @property
    def cached_mime(self) -> str:
        return self.cached_as.mime if self.cached_as else self.mime

    @property
    def cached_extension(self) -> str:
        return self.cached_as.extension if self.cached_as else self.extension


OUTPUTS = {
    "opus": OutputFormat("ogg", "libopus", "audio/ogg", "opus", (48_000,)),
    "mp3": OutputFormat("mp3", "libmp3lame", "audio/mpeg", "mp3", (44_100, 48_000, 32_000)),
    # Streamed as ADTS, not MP4: an MP4 needs its index written after the audio, so it cannot
    # stream. Cached as MP4: ADTS has no duration nor index, so a browser playing the cached
    # file would estimate both from the bit rate (Chromium: 20.12 s for 20.0 s).
    "aac": OutputFormat(
        "adts",
        "aac",
        "audio/aac",
        "aac",
        (44_100, 48_000, 32_000, 88_200, 96_000),
        CachedContainer("ipod", "audio/mp4", "m4a"),
    ),
}


@dataclass(frozen=True, slots=True)
class TranscodeJob:
    source: str
    fmt: str  # a key of OUTPUTS
    bitrate: int  # kbit/s
    offset: float  # seconds into the source
    partial_path: str | None = None  # written while encoding, when the result is cached
    cache_path: str | None = None  # the partial file is renamed here once complete


class _Pipe:
    """The muxer's output. The first bytes go out at once (time to first byte); after that,
    writes are gathered into chunks of about 32 KiB or 100 ms, because muxers write a few
    hundred bytes at a time and a message per write would cost more than the encoding."""

    FLUSH_BYTES = 32 * 1024
    FLUSH_SECONDS = 0.1

    def __init__(self, fd: int, copy: BinaryIO | None) -> None:
        self._fd = fd
        self._copy = copy
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._flushed_at: float | None = None
        self.copy_failed = False

    def write(self, data: bytes | memoryview) -> int:
        payload = bytes(data)
        self._pending.append(payload)
        self._pending_bytes += len(payload)
        now = time.monotonic()
        if (
            self._flushed_at is None
            or self._pending_bytes >= self.FLUSH_BYTES
            or now - self._flushed_at >= self.FLUSH_SECONDS
        ):
            self.flush()
            self._flushed_at = now
        return len(payload)

    def flush(self) -> None:
        if not self._pending_bytes:
            return
        chunk = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        send(self._fd, DATA, chunk)
        if self._copy is not None:
            try:
                self._copy.write(chunk)
            except OSError:  # a full disk costs the cache entry, not the listener's stream
                self._copy = None
                self.copy_failed = True


def send(fd: int, kind: bytes, payload: bytes = b"") -> None:
    view = memoryview(HEADER.pack(kind, len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _output_rate(source_rate: int, rates: tuple[int, ...]) -> int:
    return source_rate if source_rate in rates else rates[0]


def transcode(job: TranscodeJob, sink: _Pipe) -> None:
    import av
    from av.audio.stream import AudioStream

    output = OUTPUTS[job.fmt]
    with av.open(job.source, metadata_errors="ignore") as source:
        if not source.streams.audio:
            raise ValueError("The file has no audio stream")
        audio: AudioStream = source.streams.audio[0]
        if job.offset > 0:
            # Lands on the packet at or before the offset; the frames before it are dropped.
            source.seek(int(job.offset * av.time_base), backward=True, any_frame=False)
        with av.open(sink, "w", format=output.container) as target:
            rate = _output_rate(audio.rate or 44_100, output.rates)
            encoder = target.add_stream(output.codec, rate=rate)
            assert isinstance(encoder, AudioStream)
            encoder.layout = "mono" if audio.channels == 1 else "stereo"
            encoder.bit_rate = job.bitrate * 1000
            _encode(source, audio, encoder, target, job.offset)


def _encode(
    source: av.container.InputContainer,
    audio: AudioStream,
    encoder: AudioStream,
    target: av.container.OutputContainer,
    offset: float,
) -> None:
    time_base = audio.time_base
    for frame in source.decode(audio):
        if offset > 0 and frame.pts is not None and time_base is not None:
            end = float(frame.pts * time_base) + frame.samples / frame.sample_rate
            if end <= offset:
                continue
        # Timestamps restart at zero: the stream is a new file that begins at `offset`, and
        # the encoder's resampler numbers the samples itself.
        frame.pts = None
        for packet in encoder.encode(frame):
            target.mux(packet)
    for packet in encoder.encode(None):
        target.mux(packet)


def run(job: TranscodeJob, fd: int) -> None:
    """Transcode, then report the end or the error on the pipe."""
    copy: BinaryIO | None = None
    try:
        if job.partial_path is not None:
            copy = open(job.partial_path, "wb")  # noqa: SIM115 - closed below, before the rename
        sink = _Pipe(fd, copy)
        transcode(job, sink)
        sink.flush()
        if copy is not None and job.cache_path is not None and not sink.copy_failed:
            copy.close()
            _keep(job, job.cache_path)
        send(fd, END)
    except BrokenPipeError:  # the server stopped reading: the client went away
        pass
    except Exception as error:  # every decoder failure becomes a message, not a crash
        with contextlib.suppress(BrokenPipeError):
            send(fd, ERROR, f"{type(error).__name__}: {error}".encode())
    finally:
        if copy is not None and not copy.closed:
            copy.close()
        if job.partial_path is not None and os.path.exists(job.partial_path):
            os.unlink(job.partial_path)
        os.close(fd)


def _keep(job: TranscodeJob, cache_path: str) -> None:
    """Moves the finished partial file into the cache, remuxed into its cached container."""
    import av

    partial = job.partial_path or ""
    cached_as = OUTPUTS[job.fmt].cached_as
    if cached_as is None:
        os.replace(partial, cache_path)
        return
    remuxed = f"{partial}.remux.part"
    try:
        # faststart: the index goes before the audio, where a player reads the duration.
        options = {"movflags": "faststart"}
        with (
            av.open(partial) as streamed,
            av.open(remuxed, "w", format=cached_as.container, options=options) as cached,
        ):
            audio = streamed.streams.audio[0]
            stream = cached.add_stream_from_template(audio)
            for packet in streamed.demux(audio):
                if packet.dts is None:  # the demuxer's empty packet at the end
                    continue
                packet.stream = stream
                cached.mux(packet)
        os.replace(remuxed, cache_path)
    except (OSError, av.FFmpegError):  # costs the cache entry, not the listener's stream
        pass
    finally:
        if os.path.exists(remuxed):
            os.unlink(remuxed)


def zygote(control: socket.socket) -> None:
    """Entry point of the zygote: for each job (pickled, with the pipe's write end attached)
    fork a transcoder and answer its pid. Ends when the server closes its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when to stop
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        except OSError:
            return
        if not message:
            return
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                run(pickle.loads(message), fds[0])  # noqa: S301 - sent by the server itself
            finally:
                os._exit(0)
        os.close(fds[0])
        control.send(str(pid).encode())
