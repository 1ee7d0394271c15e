"""Decoding with PyAV and measuring: the work a pool process does for one file (loudness of
the whole file, DJ features of a segment)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from echo.features.analysis.dj import (
    DjFeatures,
    analyze_dj,
    decode_segment,
    fallback_energy_raw,
    segment_seconds,
)

# The server imports this module for the failure and result types it gets back from the pool;
# PyAV, NumPy and the loudness meter are imported by the pool workers, in `_measure`.
if TYPE_CHECKING:
    from echo.features.analysis.loudness import Loudness


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
        return LoudnessFailure(path, _reason(error))


def _measure(path: str) -> Loudness:
    import av
    import numpy as np

    from echo.features.analysis.loudness import RATE, Meter

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


@dataclass(frozen=True)
class DjMeasurement:
    """What the pool found in one file's segment. `features` is None when essentia could not
    analyse the decoded audio; `fallback_energy_raw` (from its loudness) stands in then."""

    features: DjFeatures | None
    fallback_energy_raw: float | None
    analysis_error: str | None
    seconds: float  # of audio analysed


@dataclass(frozen=True)
class DjFailure:
    path: str
    error: str


def analyse_dj_file(
    path: str, tag_bpm: float | None, tag_key: str | None
) -> DjMeasurement | DjFailure:
    """Runs in the process pool: decodes the spec's segment (60 s from 15 % of the track, 30 s
    when the tags give BPM and key) with PyAV and analyses it. Never raises."""
    try:
        samples, rate = decode_segment(path, segment_seconds(tag_bpm, tag_key))
    except IndexError:  # streams.audio[0] of a file without audio
        return DjFailure(path, "no audio stream")
    except Exception as error:  # every decoder error becomes the track's reason
        return DjFailure(path, _reason(error))
    if samples.size == 0:
        return DjFailure(path, "no audio could be decoded")
    seconds = samples.size / rate
    try:
        return DjMeasurement(analyze_dj(samples, rate), None, None, seconds)
    except Exception as error:  # the spec's fallback: an energy from the loudness alone
        return DjMeasurement(None, fallback_energy_raw(samples), _reason(error), seconds)


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip()
