"""DJ analysis as pure functions: PyAV segment decoding, tempo, key, Camelot, energy, danceability."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING, Any

# NumPy and PyAV are imported inside the functions that decode and analyse: those run in the
# analysis pool, while the server imports this module only for its key, Camelot and energy helpers
# and would otherwise carry both libraries in its resident memory from start-up.
if TYPE_CHECKING:
    import av
    import numpy as np
    import numpy.typing as npt

    Samples = npt.NDArray[np.float32]

SAMPLE_RATE = 44_100
SEGMENT_SECONDS = 60.0
SHORT_SEGMENT_SECONDS = 30.0  # enough when the tags already give both BPM and key
SEGMENT_START = 0.15  # fraction of the duration: past intros, into the body of the track
MIN_BPM, MAX_BPM = 60.0, 200.0
RECALIBRATION_MINIMUM = 20
SILENCE_DB = -70.0

# Key names as essentia's Key algorithm spells them; tags may use the other enharmonic spelling.
_NOTES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_PITCH_CLASS = {
    **{note: i for i, note in enumerate(_NOTES)},
    **{"Db": 1, "D#": 3, "Gb": 6, "G#": 8, "A#": 10, "Cb": 11, "B#": 0, "E#": 5, "Fb": 4},
}
# Camelot hour of each pitch class: major keys are B, minor keys A (relative minor = same hour).
_MAJOR_HOUR = {0: 8, 7: 9, 2: 10, 9: 11, 4: 12, 11: 1, 6: 2, 1: 3, 8: 4, 3: 5, 10: 6, 5: 7}
_MINOR_HOUR = {pc: _MAJOR_HOUR[(pc + 3) % 12] for pc in range(12)}


@dataclass(frozen=True)
class CamelotColour:
    bg: str
    text: str
    name: str


# One hue per hour of the wheel (neighbours look alike, as on the usual Camelot chart);
# minor keys (A) in a darker shade than major keys (B).
_HOUR_COLOURS = (
    ("Turquoise", "#00b5a5", "#6ee6d6"),
    ("Green", "#00b16a", "#7ee3a8"),
    ("Lime", "#5cb82e", "#b2e68a"),
    ("Yellow Green", "#9bbb1a", "#d6ea7a"),
    ("Yellow", "#d1b800", "#f5e57a"),
    ("Orange", "#e08a00", "#f7c879"),
    ("Red Orange", "#e0592a", "#f6a88a"),
    ("Red", "#d63a4a", "#f29aa5"),
    ("Magenta", "#c2398f", "#eb9bd0"),
    ("Purple", "#8a4bc9", "#c9a4ef"),
    ("Blue", "#3f66d4", "#9fb6f2"),
    ("Cyan", "#0094c8", "#7fd0ef"),
)


@dataclass(frozen=True)
class EnergyDescriptors:
    rms_db: float
    onset_rate: float  # onsets per second
    centroid_hz: float
    dynamic_complexity: float  # dB
    spectral_entropy: float  # bits


@dataclass(frozen=True)
class DjFeatures:
    bpm: float | None
    bpm_confidence: float
    key: str | None  # "C", "C#m", ...
    tonic: str | None
    scale: str | None  # "major" | "minor"
    key_strength: float
    camelot_key: str | None
    energy_raw: float
    energy: float  # energy_score(energy_raw) before library recalibration
    danceability: float
    descriptors: EnergyDescriptors


@dataclass(frozen=True)
class BpmKey:
    bpm: float | None
    key: str | None
    camelot_key: str | None


def decode_segment(
    path: Path | str, seconds: float = SEGMENT_SECONDS, start_fraction: float = SEGMENT_START
) -> tuple[Samples, int]:
    """Mono float32 samples at 44.1 kHz of `seconds` starting at `start_fraction` of the track.

    A track too short for the whole window starts earlier, so short tracks still give a full
    window when they can.
    """
    import av
    import numpy as np

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        duration = _duration(container, stream)
        start = max(0.0, min(duration * start_fraction, duration - seconds))
        if start > 0:
            container.seek(int(start * av.time_base), backward=True, any_frame=False)
        resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
        chunks: list[Samples] = []
        first_time: float | None = None
        wanted = int((seconds + 1.0) * SAMPLE_RATE)  # a second of slack for the seek's preroll
        collected = 0
        for frame in container.decode(stream):
            if first_time is None and frame.time is not None:
                first_time = frame.time
            for out in resampler.resample(frame):
                chunks.append(_mono(out))
                collected += chunks[-1].size
            if first_time is not None and collected - (start - first_time) * SAMPLE_RATE >= wanted:
                break
        else:
            for out in resampler.resample(None):
                chunks.append(_mono(out))
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    # Seeking lands on a packet at or before `start`: drop the preroll.
    skip = max(0, round((start - (first_time or 0.0)) * SAMPLE_RATE))
    return samples[skip : skip + int(seconds * SAMPLE_RATE)], SAMPLE_RATE


def segment_seconds(tag_bpm: float | None, tag_key: str | None) -> float:
    """60 s of audio to analyse, or 30 s when the tags already give a usable BPM and key."""
    if tag_bpm and tag_bpm > 0 and parse_key(tag_key):
        return SHORT_SEGMENT_SECONDS
    return SEGMENT_SECONDS


def _duration(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _mono(frame: av.AudioFrame) -> Samples:
    import numpy as np

    planes = frame.to_ndarray()
    return np.asarray(planes.mean(axis=0), dtype=np.float32)


@dataclass(frozen=True)
class _Algorithms:
    rhythm: Any
    key: Any
    danceability: Any
    dynamic_complexity: Any


@functools.cache
def _algorithms() -> _Algorithms:
    """Essentia's algorithms, configured once per process: RhythmExtractor2013 takes 0.1 s to
    set up, a sixth of what it then spends on a segment. These give the same results however
    often they are reused (OnsetRate does not: it is built for each segment)."""
    # Imported here, not at the top: only the analysis workers pay for loading essentia.
    import essentia

    # Workers log through the job's result, not essentia's console chatter (which starts as
    # essentia.standard is imported).
    essentia.log.infoActive = False
    essentia.log.warningActive = False
    import essentia.standard as es

    return _Algorithms(
        rhythm=es.RhythmExtractor2013(method="multifeature"),
        key=es.KeyExtractor(sampleRate=SAMPLE_RATE),
        danceability=es.Danceability(sampleRate=SAMPLE_RATE),
        dynamic_complexity=es.DynamicComplexity(sampleRate=SAMPLE_RATE),
    )


def analyze_dj(samples: Samples, sample_rate: int = SAMPLE_RATE) -> DjFeatures:
    """Tempo, key, energy and danceability of a mono segment, with essentia."""
    import numpy as np

    algorithms = _algorithms()
    import essentia.standard as es

    if sample_rate != SAMPLE_RATE:
        # Essentia's onset rate is defined at 44.1 kHz only.
        samples = es.Resample(inputSampleRate=sample_rate, outputSampleRate=SAMPLE_RATE)(samples)
    audio = np.ascontiguousarray(samples, dtype=np.float32)
    if audio.size < SAMPLE_RATE * 5:
        raise ValueError("less than 5 s of audio to analyse")

    descriptors = _energy_descriptors(audio, algorithms)
    # Essentia still "finds" a tempo and a key in digital silence: there are none.
    audible = descriptors.rms_db > SILENCE_DB
    bpm_estimate, ticks, confidence, _, _ = algorithms.rhythm(audio)
    bpm = refine_bpm(float(bpm_estimate), np.asarray(ticks, dtype=np.float64)) if audible else None
    if bpm is not None and bpm * 2 <= MAX_BPM and _half_beats_as_strong(audio, ticks):
        bpm *= 2
    tonic, scale, strength = algorithms.key(audio)
    key = key_name(tonic, scale) if audible and strength > 0 else None
    raw = raw_energy(descriptors)
    dance, _ = algorithms.danceability(audio)
    return DjFeatures(
        bpm=fold_bpm(bpm) if bpm else None,
        bpm_confidence=float(confidence) if bpm else 0.0,
        key=key,
        tonic=tonic if key else None,
        scale=scale if key else None,
        key_strength=float(strength),
        camelot_key=camelot(key)[0] if key else None,
        energy_raw=raw,
        energy=energy_score(raw),
        danceability=_clamp(float(dance) / 2.5),
        descriptors=descriptors,
    )


def refine_bpm(estimate: float, ticks: npt.NDArray[np.float64]) -> float | None:
    """The tempo of a least-squares line through the beat ticks.

    RhythmExtractor2013's BPM is a histogram peak, often 1–2 BPM off on a steady track; its
    ticks are right, so the slope of tick time against beat number gives the tempo within
    a few hundredths.
    """
    import numpy as np

    if estimate <= 0:
        return None
    if ticks.size < 8:
        return estimate
    # Number the beats from the typical gap between ticks, so a missed tick leaves a gap in
    # the numbering rather than bending the line.
    gaps = np.diff(ticks)
    steps = np.maximum(1, np.round(gaps / np.median(gaps)))
    beats = np.concatenate(([0.0], np.cumsum(steps)))
    slope = float(np.polyfit(beats, ticks, 1)[0])
    refined = 60.0 / slope if slope > 0 else estimate
    # A tempo drifting through the segment has no single line: keep the histogram's answer.
    return refined if abs(refined - estimate) / estimate < 0.04 else estimate


def _half_beats_as_strong(audio: Samples, ticks: npt.NDArray[np.float32]) -> bool:
    """True when the midpoints between ticks carry onsets as strong as the ticks themselves.

    The beat tracker sometimes locks on every other beat of a fast track (174 → 87 BPM); a
    track whose half-beats hit as hard as its beats is then really at twice the tempo, while
    off-beat hi-hats, weaker than the kick, keep the tempo as found.
    """
    import numpy as np

    if len(ticks) < 8:
        return False
    hop = 256
    frames = audio[: audio.size // hop * hop].reshape(-1, hop).astype(np.float64)
    # Linear energy, not log: a quiet hi-hat after silence must not count like a kick.
    level = np.mean(frames**2, axis=1)
    flux = np.maximum(np.diff(level, prepend=level[0]), 0.0)

    def strength(times: npt.NDArray[np.float64]) -> float:
        window = int(0.03 * SAMPLE_RATE / hop) + 1  # ticks are placed within ~30 ms
        peaks = [
            flux[max(0, i - window) : i + window + 1].max()
            for i in (times * SAMPLE_RATE / hop).astype(int)
            if 0 <= i < flux.size
        ]
        return float(np.median(peaks)) if peaks else 0.0

    beats = np.asarray(ticks, dtype=np.float64)
    on_beat = strength(beats)
    half = strength((beats[:-1] + beats[1:]) / 2)
    return on_beat > 0 and half >= 0.75 * on_beat


def _energy_descriptors(audio: Samples, algorithms: _Algorithms) -> EnergyDescriptors:
    import essentia.standard as es
    import numpy as np

    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    _, onset_rate = es.OnsetRate()(audio)
    complexity, _ = algorithms.dynamic_complexity(audio)
    spectrum = _magnitude_spectra(audio, frame_size=2048, hop=1024)
    power = spectrum.sum(axis=1)
    audible = spectrum[power > 1e-6 * max(float(power.max()), 1e-12)]
    if audible.size:
        freqs = np.fft.rfftfreq(2048, 1 / SAMPLE_RATE)
        sums = audible.sum(axis=1)
        centroid = float(np.mean(audible @ freqs / sums))
        p = audible / sums[:, None]
        # 0·log 0 counts as 0: the tiny offset only keeps log2 finite on empty bins.
        entropy = float(np.mean(-np.sum(p * np.log2(p + 1e-30), axis=1)))
    else:
        centroid = entropy = 0.0
    return EnergyDescriptors(
        rms_db=20 * math.log10(rms) if rms > 0 else -120.0,
        onset_rate=float(onset_rate),
        centroid_hz=centroid,
        dynamic_complexity=float(complexity),
        spectral_entropy=entropy,
    )


def _magnitude_spectra(audio: Samples, frame_size: int, hop: int) -> npt.NDArray[np.float32]:
    import numpy as np

    if audio.size < frame_size:
        return np.zeros((0, frame_size // 2 + 1), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(audio, frame_size)[::hop]
    # Single precision: these are averaged descriptors, and it halves the FFT time.
    window = np.hanning(frame_size).astype(np.float32)
    return np.abs(np.fft.rfft(frames * window, axis=1)).astype(np.float32)


def raw_energy(d: EnergyDescriptors) -> float:
    """The spec's five-descriptor blend, each term scaled to 0–1 over a musical range."""
    onsets = math.log2(d.onset_rate) / math.log2(20) if d.onset_rate > 0 else 0.0
    centroid = (math.log2(d.centroid_hz) - 9) / 3 if d.centroid_hz > 0 else 0.0
    return (
        0.30 * _clamp((d.rms_db + 40) / 37)
        + 0.25 * _clamp(onsets)
        + 0.15 * _clamp(centroid)
        + 0.15 * _clamp(1 - d.dynamic_complexity / 12)
        + 0.15 * _clamp((d.spectral_entropy - 3) / 5)
    )


def fallback_energy_raw(samples: Samples) -> float:
    """A raw energy from loudness alone, for audio essentia could not analyse.

    The original mapped FFmpeg's `volumedetect` mean volume (the RMS level in dB) to an
    energy; this uses the same scaling as the loudness term of `raw_energy`.
    """
    import numpy as np

    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return _clamp((20 * math.log10(rms) + 40) / 37) if rms > 0 else 0.0


def energy_score(raw: float, midpoint: float = 0.5) -> float:
    """The spec's sigmoid: 0.5 at `midpoint`, steep enough to spread typical music over 0–1."""
    return 1 / (1 + math.exp(-12 * (raw - midpoint)))


def recalibrate_energy(raw_values: Sequence[float]) -> list[float]:
    """Energies centred on the library's median raw energy, once there are enough analyses."""
    if len(raw_values) < RECALIBRATION_MINIMUM:
        return [energy_score(raw) for raw in raw_values]
    middle = median(raw_values)
    return [energy_score(raw, middle) for raw in raw_values]


def fold_bpm(bpm: float) -> float:
    """Doubles or halves a tempo into 60–200 BPM."""
    if bpm <= 0:
        raise ValueError("a tempo must be positive")
    while bpm < MIN_BPM:
        bpm *= 2
    while bpm > MAX_BPM:
        bpm /= 2
    return bpm


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def key_name(tonic: str, scale: str) -> str | None:
    """`C`, `C#m`, … from a tonic and `major`/`minor`; None for anything else."""
    pitch = _PITCH_CLASS.get(tonic)
    if pitch is None or scale not in ("major", "minor"):
        return None
    return _NOTES[pitch] + ("m" if scale == "minor" else "")


_KEY_TEXT = re.compile(
    r"^\s*([A-Ga-g])\s*([#♯b♭]?)\s*(m|min|minor|maj|major|dur|moll)?\s*$", re.IGNORECASE
)
_CAMELOT_TEXT = re.compile(r"^\s*(1[0-2]|0?[1-9])\s*([AaBb])\s*$")


def parse_key(text: str | None) -> str | None:
    """A key in the canonical `C#m` form from a tag: `C#m`, `Dbm`, `A minor`, `Amin`, `8A`, …"""
    if not text:
        return None
    camelot_match = _CAMELOT_TEXT.match(text)
    if camelot_match:
        hour, letter = int(camelot_match[1]), camelot_match[2].upper()
        hours = _MINOR_HOUR if letter == "A" else _MAJOR_HOUR
        pitch = next(pc for pc, h in hours.items() if h == hour)
        return _NOTES[pitch] + ("m" if letter == "A" else "")
    match = _KEY_TEXT.match(text)
    if not match:
        return None
    accidental = {"♯": "#", "♭": "b", "B": "b"}.get(match[2], match[2])
    pitch_class = _PITCH_CLASS.get(match[1].upper() + accidental)
    if pitch_class is None:
        return None
    quality = (match[3] or "").lower()
    minor = quality in ("m", "min", "minor", "moll") and match[3] != "M"
    return _NOTES[pitch_class] + ("m" if minor else "")


def camelot(key: str) -> tuple[str, CamelotColour]:
    """The Camelot code (`8A`) and display colour of a key such as `Am`, `G#m` or `Db`."""
    canonical = parse_key(key)
    if canonical is None:
        raise ValueError(f"not a musical key: {key!r}")
    minor = canonical.endswith("m")
    pitch = _PITCH_CLASS[canonical.removesuffix("m")]
    hour = (_MINOR_HOUR if minor else _MAJOR_HOUR)[pitch]
    name, dark, light = _HOUR_COLOURS[hour - 1]
    colour = (
        CamelotColour(bg=dark, text="#ffffff", name=name)
        if minor
        else (CamelotColour(bg=light, text="#1a1a1a", name=name))
    )
    return f"{hour}{'A' if minor else 'B'}", colour


def effective_bpm_key(
    tag_bpm: float | None, tag_key: str | None, detected: DjFeatures | None
) -> BpmKey:
    """Tag values win over detected ones; unusable tags (0 BPM, unknown key text) do not."""
    bpm = fold_bpm(tag_bpm) if tag_bpm and tag_bpm > 0 else None
    if bpm is None and detected is not None:
        bpm = detected.bpm
    key = parse_key(tag_key)
    if key is None and detected is not None:
        key = detected.key
    return BpmKey(bpm=bpm, key=key, camelot_key=camelot(key)[0] if key else None)
