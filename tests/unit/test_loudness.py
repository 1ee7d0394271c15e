"""Loudness on signals synthesised here, against the expected values of EBU Tech 3341
(integrated loudness) and Tech 3342 (loudness range), and the album gating rule."""

from __future__ import annotations

import math

import numpy as np
import pytest

from echo.features.analysis.loudness import (
    RATE,
    Loudness,
    Meter,
    Signal,
    album_loudness,
    to_db,
)
from echo.features.analysis.models import TrackLoudness
from echo.features.analysis.schemas import measured_gains

STEREO = ["FL", "FR"]


def sine(dbfs: float, seconds: float, frequency: float = 1000.0, phase: float = 0.0) -> Signal:
    """A sine whose peak is at `dbfs` (AES17: a full-scale sine is 0 dBFS), both channels."""
    t = np.arange(int(RATE * seconds)) / RATE
    mono = 10 ** (dbfs / 20) * np.sin(2 * np.pi * frequency * t + phase)
    return np.stack([mono, mono]).astype(np.float64)


def measure(*parts: Signal, channels: list[str] = STEREO) -> Loudness:
    meter = Meter(channels)
    signal = np.concatenate(parts, axis=1)
    # Odd-sized pieces: the result must not depend on how the decoder cuts frames.
    for start in range(0, signal.shape[1], 12_345):
        meter.feed(signal[:, start : start + 12_345])
    return meter.finish()


@pytest.mark.parametrize("level", [-23.0, -33.0, -20.0])
def test_a_stereo_1_khz_sine_measures_its_peak_level_in_lufs(level: float) -> None:
    # Tech 3341 cases 1 and 2 (−23 and −33 dBFS); −20 dBFS is the issue's own example.
    assert measure(sine(level, 20)).integrated == pytest.approx(level, abs=0.1)


def test_the_relative_gate_ignores_quiet_passages_tech_3341_case_3() -> None:
    result = measure(sine(-36, 10), sine(-23, 60), sine(-36, 10))
    assert result.integrated == pytest.approx(-23.0, abs=0.1)


def test_the_absolute_gate_ignores_near_silence_tech_3341_case_4() -> None:
    result = measure(sine(-72, 10), sine(-36, 10), sine(-23, 60), sine(-36, 10), sine(-72, 10))
    assert result.integrated == pytest.approx(-23.0, abs=0.1)


def test_stepped_levels_average_in_energy_tech_3341_case_5() -> None:
    result = measure(sine(-26, 20), sine(-20, 20.1), sine(-26, 20))
    assert result.integrated == pytest.approx(-23.0, abs=0.1)


def test_silence_has_no_integrated_loudness_and_no_range() -> None:
    result = measure(np.zeros((2, RATE * 5)))
    assert result.integrated is None
    assert result.lra == 0.0


def test_a_mono_file_counts_its_one_channel_once() -> None:
    mono = sine(-23, 20)[:1]
    assert measure(mono, channels=["FC"]).integrated == pytest.approx(-26.0, abs=0.1)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [((-20, -30), 10.0), ((-20, -15), 5.0), ((-40, -20), 20.0)],
)
def test_loudness_range_follows_tech_3342_cases_1_to_3(
    levels: tuple[float, float], expected: float
) -> None:
    result = measure(sine(levels[0], 20), sine(levels[1], 20))
    assert result.lra == pytest.approx(expected, abs=1.0)


def test_loudness_range_of_tech_3342_case_4() -> None:
    result = measure(sine(-50, 20), sine(-35, 20), sine(-20, 20), sine(-35, 20), sine(-50, 20))
    assert result.lra == pytest.approx(15.0, abs=1.0)


def test_true_peak_finds_the_peak_between_samples() -> None:
    # 12 kHz at 48 kHz with a 45° phase: every sample is at 0.707 of the real peak.
    result = measure(sine(-6, 5, frequency=12_000, phase=math.pi / 4))
    assert to_db(result.sample_peak) == pytest.approx(-9.01, abs=0.05)
    assert result.true_peak_db == pytest.approx(-6.0, abs=0.3)


def test_album_loudness_equals_the_loudness_of_the_albums_audio_played_in_a_row() -> None:
    tracks = [sine(-30, 31.37), sine(-18, 12.9, 440), sine(-24, 45.05, 3000), sine(-60, 8)]
    measured = [measure(track) for track in tracks]
    whole = measure(*tracks).integrated
    assert whole is not None
    album = album_loudness([m.sub_blocks for m in measured])
    assert album == pytest.approx(whole, abs=0.1)
    # Not the mean of the track values, which is what the original computed.
    loud = [m.integrated for m in measured if m.integrated is not None]
    assert abs(sum(loud) / len(loud) - whole) > 1.0


def test_an_outro_is_the_silence_in_the_last_seconds_of_a_long_track() -> None:
    result = measure(sine(-20, 80), np.zeros((2, RATE * 8)))
    assert result.outro_start == pytest.approx(80.0, abs=0.02)
    short = measure(sine(-20, 40), np.zeros((2, RATE * 8)))
    assert short.outro_start is None  # under a minute
    late = measure(sine(-20, 80), np.zeros((2, RATE * 2)))
    assert late.outro_start is None  # in the last 3 s


def test_gains_are_derived_from_the_measurements() -> None:
    row = TrackLoudness(integrated_lufs=-10.5, true_peak_db=-0.5, outro_start=None)
    gains = measured_gains(row, album_lufs=-11.0, album_true_peak_db=0.2)
    assert gains.rg_track_gain == -5.5  # −16 − LUFS, the original's fields
    assert gains.replay_gain_track_gain == -7.5  # ReplayGain 2.0: −18 − LUFS
    assert gains.rg_album_gain == -5.0
    assert gains.replay_gain_album_gain == -7.0
    assert gains.rg_track_peak == pytest.approx(10 ** (-0.5 / 20), abs=1e-6)
    assert gains.replay_gain_album_peak == pytest.approx(10 ** (0.2 / 20), abs=1e-6)
