"""Decoding with PyAV and measuring loudness: the work a pool process does for one file."""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np

from echo.features.analysis.loudness import RATE, Loudness, Meter


@dataclass(frozen=True)
class LoudnessFailure:
    path: str
    error: str


def measure_file(path: str) -> Loudness | LoudnessFailure:
    """Runs in the process pool; a file that cannot be decoded is a failure, not an exception
    (exceptions would have to cross the process boundary, and some do not pickle)."""
    try:
        return _measure(path)
    except Exception as error:  # every decoder error becomes the track's reason
        return LoudnessFailure(path, f"{type(error).__name__}: {error}".strip())


def _measure(path: str) -> Loudness:
    with av.open(path) as container:
        if not container.streams.audio:
            raise ValueError("no audio stream")
        stream = container.streams.audio[0]
        meter: Meter | None = None
        resampler: av.AudioResampler | None = None
        for frame in container.decode(stream):
            if resampler is None:
                layout = frame.layout.name
                resampler = av.AudioResampler(format="fltp", layout=layout, rate=RATE)
                meter = Meter([channel.name for channel in frame.layout.channels])
            assert meter is not None
            for converted in resampler.resample(frame):
                meter.feed(converted.to_ndarray().astype(np.float64))
        if resampler is None or meter is None:
            raise ValueError("no audio could be decoded")
        for converted in resampler.resample(None):
            meter.feed(converted.to_ndarray().astype(np.float64))
        return meter.finish()
