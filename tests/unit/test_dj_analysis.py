"""DJ analysis: tempo, key, Camelot, energy and segment decoding on synthesised and encoded audio."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from echo.features.analysis.dj import (
    DjFeatures,
    EnergyDescriptors,
    analyze_dj,
    camelot,
    decode_segment,
    effective_bpm_key,
    energy_score,
    fallback_energy_raw,
    fold_bpm,
    parse_key,
    raw_energy,
    recalibrate_energy,
    refine_bpm,
    segment_seconds,
)
from tests.fixtures.music import NOTES, RATE, chord_progression, drum_track, encode


@pytest.mark.parametrize("bpm", [90, 120, 128, 174])
def test_the_tempo_of_a_drum_track_is_found_within_half_a_bpm(bpm: float) -> None:
    features = analyze_dj(drum_track(bpm), RATE)
    assert features.bpm == pytest.approx(bpm, abs=0.5)


def test_off_beat_hi_hats_weaker_than_the_kick_do_not_double_the_tempo() -> None:
    assert analyze_dj(drum_track(87), RATE).bpm == pytest.approx(87, abs=0.5)


def test_audio_at_another_sample_rate_is_resampled_before_analysis() -> None:
    assert analyze_dj(drum_track(128, rate=48_000), 48_000).bpm == pytest.approx(128, abs=0.5)


def test_a_silent_segment_has_neither_tempo_nor_key() -> None:
    features = analyze_dj(np.zeros(20 * RATE, np.float32), RATE)
    assert (features.bpm, features.key, features.camelot_key) == (None, None, None)
    assert features.bpm_confidence == 0


def test_less_than_five_seconds_of_audio_is_refused() -> None:
    with pytest.raises(ValueError, match="5 s"):
        analyze_dj(drum_track(120, seconds=4), RATE)


KEYS = [
    (0, False, "C", "8B"),
    (7, False, "G", "9B"),
    (2, False, "D", "10B"),
    (3, False, "Eb", "5B"),
    (6, False, "F#", "2B"),
    (10, False, "Bb", "6B"),
    (9, True, "Am", "8A"),
    (4, True, "Em", "9A"),
    (1, True, "C#m", "12A"),
    (5, True, "Fm", "4A"),
    (8, True, "Abm", "1A"),
    (2, True, "Dm", "7A"),
]


@pytest.mark.parametrize(("tonic", "minor", "key", "code"), KEYS)
def test_the_key_of_a_chord_progression_is_found(
    tonic: int, minor: bool, key: str, code: str
) -> None:
    features = analyze_dj(chord_progression(tonic, minor), RATE)
    assert (features.key, features.camelot_key) == (key, code)
    assert features.tonic == NOTES[tonic]
    assert features.scale == ("minor" if minor else "major")


def test_a_dense_loud_drum_track_has_more_energy_than_soft_sustained_chords() -> None:
    drums = analyze_dj(drum_track(174) * 1.2, RATE)
    chords = analyze_dj(chord_progression(0, False) * 0.2, RATE)
    assert drums.energy_raw > chords.energy_raw + 0.1
    assert drums.energy > chords.energy
    assert 0 <= chords.danceability <= drums.danceability <= 1


# The spec's table, with the enharmonic spellings it accepts.
CAMELOT = {
    "Abm": "1A", "G#m": "1A", "B": "1B", "Ebm": "2A", "D#m": "2A", "F#": "2B", "Gb": "2B",
    "Bbm": "3A", "A#m": "3A", "Db": "3B", "C#": "3B", "Fm": "4A", "Ab": "4B", "G#": "4B",
    "Cm": "5A", "Eb": "5B", "D#": "5B", "Gm": "6A", "Bb": "6B", "A#": "6B", "Dm": "7A",
    "F": "7B", "Am": "8A", "C": "8B", "Em": "9A", "G": "9B", "Bm": "10A", "D": "10B",
    "F#m": "11A", "Gbm": "11A", "A": "11B", "C#m": "12A", "Dbm": "12A", "E": "12B",
}  # fmt: skip


@pytest.mark.parametrize(("key", "code"), CAMELOT.items())
def test_every_key_maps_to_its_camelot_code(key: str, code: str) -> None:
    assert camelot(key)[0] == code


def test_the_24_camelot_codes_are_all_distinct_and_relative_keys_share_a_colour() -> None:
    codes = {camelot(key)[0]: camelot(key)[1] for key in CAMELOT}
    assert sorted(codes) == sorted(f"{hour}{letter}" for hour in range(1, 13) for letter in "AB")
    names = {codes[f"{hour}A"].name for hour in range(1, 13)}
    assert len(names) == 12
    for hour in range(1, 13):
        minor, major = codes[f"{hour}A"], codes[f"{hour}B"]
        assert minor.name == major.name
        assert minor.bg != major.bg
        assert all(len(c) == 7 and c.startswith("#") for c in (minor.bg, minor.text, major.bg))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Am", "Am"), ("A minor", "Am"), ("amin", "Am"), ("C#m", "C#m"), ("Dbm", "C#m"),
        ("Db", "C#"), ("F♯", "F#"), ("Bb major", "Bb"), ("8A", "8A"), ("12b", "12B"),
        ("E", "E"), ("A#", "Bb"),
    ],
)  # fmt: skip
def test_tag_keys_in_common_spellings_are_read(text: str, key: str) -> None:
    expected = key if not key[0].isdigit() else {v: k for k, v in CAMELOT.items()}[key]
    assert camelot(parse_key(text) or "")[0] == camelot(expected)[0]


@pytest.mark.parametrize("text", ["", "H", "13A", "0B", "C##", "Cmaj7", "unknown", None])
def test_text_that_is_not_a_key_is_not_read_as_one(text: str | None) -> None:
    assert parse_key(text) is None


def test_camelot_refuses_what_is_not_a_key() -> None:
    with pytest.raises(ValueError, match="not a musical key"):
        camelot("X#")


@pytest.mark.parametrize(
    ("bpm", "folded"), [(45, 90), (30, 60), (250, 125), (400, 200), (120, 120), (59.5, 119)]
)
def test_tempi_are_folded_into_60_to_200_bpm(bpm: float, folded: float) -> None:
    assert fold_bpm(bpm) == folded


def test_a_tempo_of_zero_cannot_be_folded() -> None:
    with pytest.raises(ValueError, match="positive"):
        fold_bpm(0)


def test_the_tempo_follows_the_line_through_the_ticks_across_a_missed_beat() -> None:
    ticks = np.arange(40) * 0.5 + 0.1  # 120 BPM
    with_gap = np.delete(ticks, [10, 25])
    assert refine_bpm(118.0, with_gap) == pytest.approx(120.0, abs=1e-6)


def test_ticks_far_from_the_trackers_tempo_or_too_few_leave_its_estimate_alone() -> None:
    slower = np.arange(40, dtype=np.float64) * 0.6  # 100 BPM: not a refinement of 121
    assert refine_bpm(121.0, slower) == 121.0
    assert refine_bpm(121.0, np.array([0.5, 1.0, 1.5])) == 121.0
    assert refine_bpm(0.0, np.array([])) is None


LOWEST = EnergyDescriptors(
    rms_db=-60, onset_rate=0.5, centroid_hz=200, dynamic_complexity=20, spectral_entropy=1
)
HIGHEST = EnergyDescriptors(
    rms_db=0, onset_rate=30, centroid_hz=8000, dynamic_complexity=0, spectral_entropy=9
)


def test_raw_energy_is_the_weighted_sum_of_the_five_clamped_descriptors() -> None:
    assert raw_energy(LOWEST) == 0
    assert raw_energy(HIGHEST) == pytest.approx(1)
    middle = EnergyDescriptors(
        rms_db=-21.5, onset_rate=math.sqrt(20), centroid_hz=2 ** 10.5,
        dynamic_complexity=6, spectral_entropy=5.5,
    )  # fmt: skip
    assert raw_energy(middle) == pytest.approx(0.5)
    silent = EnergyDescriptors(
        rms_db=-120, onset_rate=0, centroid_hz=0, dynamic_complexity=0, spectral_entropy=0
    )
    assert raw_energy(silent) == pytest.approx(0.15)


def test_the_energy_sigmoid_is_centred_steep_and_symmetric() -> None:
    assert energy_score(0.5) == 0.5
    assert energy_score(0.75) == pytest.approx(1 / (1 + math.exp(-3)))
    assert energy_score(0.6) + energy_score(0.4) == pytest.approx(1)
    assert energy_score(0.0) < 0.01 < 0.99 < energy_score(1.0)
    assert energy_score(0.3, midpoint=0.3) == 0.5


def test_the_fallback_energy_follows_the_loudness_of_the_audio() -> None:
    loud, quiet = drum_track(120, seconds=5), drum_track(120, seconds=5) * 0.3
    assert 0 < fallback_energy_raw(quiet) < fallback_energy_raw(loud) < 1
    assert fallback_energy_raw(np.zeros(RATE, np.float32)) == 0
    full_scale = np.ones(RATE, np.float32)
    assert fallback_energy_raw(full_scale) == 1


def test_a_small_library_keeps_the_fixed_sigmoid() -> None:
    raws = [0.2 + i * 0.01 for i in range(19)]
    assert recalibrate_energy(raws) == [energy_score(raw) for raw in raws]


def test_recalibration_centres_the_library_on_its_median_and_spreads_it() -> None:
    raws = [0.15 + i * 0.01 for i in range(21)]  # a quiet library: 0.15 … 0.35
    energies = recalibrate_energy(raws)
    assert energies[10] == pytest.approx(0.5)
    assert energies == sorted(energies)
    assert max(energy_score(raw) for raw in raws) < 0.2
    assert min(energies) < 0.25 and max(energies) > 0.75


def _detected(bpm: float | None, key: str | None) -> DjFeatures:
    return DjFeatures(
        bpm=bpm, bpm_confidence=3.0, key=key, tonic=None, scale=None, key_strength=0.8,
        camelot_key=camelot(key)[0] if key else None, energy_raw=0.5, energy=0.5,
        danceability=0.5, descriptors=LOWEST,
    )  # fmt: skip


def test_tag_bpm_and_key_win_over_detected_values() -> None:
    chosen = effective_bpm_key(124.0, "F#m", _detected(123.4, "Am"))
    assert (chosen.bpm, chosen.key, chosen.camelot_key) == (124.0, "F#m", "11A")


def test_unusable_tags_fall_back_to_detected_values() -> None:
    chosen = effective_bpm_key(0.0, "no idea", _detected(123.4, "Am"))
    assert (chosen.bpm, chosen.key, chosen.camelot_key) == (123.4, "Am", "8A")
    assert effective_bpm_key(300.0, "8B", None).bpm == 150.0
    assert effective_bpm_key(300.0, "8B", None).key == "C"


def test_without_tags_or_detection_there_is_neither_bpm_nor_key() -> None:
    chosen = effective_bpm_key(None, None, _detected(None, None))
    assert (chosen.bpm, chosen.key, chosen.camelot_key) == (None, None, None)


@pytest.mark.parametrize(
    ("bpm", "key", "seconds"),
    [(124.0, "Am", 30), (124.0, None, 60), (None, "Am", 60), (0.0, "Am", 60), (124.0, "?", 60)],
)
def test_tags_with_both_bpm_and_key_halve_the_segment(
    bpm: float | None, key: str | None, seconds: float
) -> None:
    assert segment_seconds(bpm, key) == seconds


def test_the_segment_starts_at_15_percent_and_is_mixed_down_to_mono(tmp_path: Path) -> None:
    source = np.random.default_rng(1).uniform(-0.5, 0.5, (2, 20 * RATE)).astype(np.float32)
    path = encode(tmp_path / "noise.flac", source, RATE, "flac")
    samples, rate = decode_segment(path, seconds=10)
    assert rate == RATE and samples.dtype == np.float32
    # FLAC is lossless: the 16-bit quantisation is the only difference.
    expected = source.mean(axis=0)[3 * RATE : 13 * RATE]
    assert samples.shape == expected.shape
    assert np.abs(samples - expected).max() < 1e-4


def test_a_track_shorter_than_the_window_is_analysed_from_its_start(tmp_path: Path) -> None:
    source = np.random.default_rng(2).uniform(-0.5, 0.5, (1, 8 * RATE)).astype(np.float32)
    samples, _ = decode_segment(encode(tmp_path / "short.flac", source, RATE, "flac"))
    assert np.abs(samples - source[0]).max() < 1e-4


def test_a_track_just_longer_than_the_window_ends_its_window_at_the_end(tmp_path: Path) -> None:
    source = np.random.default_rng(3).uniform(-0.5, 0.5, (1, 11 * RATE)).astype(np.float32)
    samples, _ = decode_segment(encode(tmp_path / "near.flac", source, RATE, "flac"), seconds=10)
    assert np.abs(samples - source[0, RATE:]).max() < 1e-4


@pytest.mark.parametrize("fmt", ["mp3", "flac", "opus"])
def test_encoded_files_give_the_tempo_of_their_raw_samples(tmp_path: Path, fmt: str) -> None:
    raw = drum_track(128, seconds=40)
    path = encode(tmp_path / f"drums.{fmt}", raw[None, :], RATE, fmt)
    samples, rate = decode_segment(path, seconds=30)
    decoded = analyze_dj(samples, rate).bpm
    from_raw = analyze_dj(raw[6 * RATE : 36 * RATE], RATE).bpm
    assert decoded is not None and from_raw is not None
    assert decoded == pytest.approx(from_raw, abs=0.5)
    assert decoded == pytest.approx(128, abs=0.5)
