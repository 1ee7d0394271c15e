"""Transition compatibility score (every branch of the spec's formula) and the DJ shuffle order."""

from __future__ import annotations

import pytest

from echo.features.analysis.scoring import (
    TrackFeatures,
    bpm_distance,
    bpm_score_of,
    dj_shuffle,
    key_score_of,
    pool_size,
    transition_overall,
    transition_score,
)


@pytest.mark.parametrize(
    ("a", "b", "score", "beatmatch"),
    [
        (120, 120, 100, True),
        (120, 120.5, 100, True),  # d = 0.42 %
        (120, 123, 95 - 1.67 * 2.5, True),
        (120, 126, 90 - 6.67 * 2, True),  # d = 5 %
        (100, 108, 70 - 7.5 * 2, True),  # d = 8 %: still beatmatchable
        (100, 109, 70 - 7.5 * 3, False),
        (100, 115, 40 - 4 * 5, False),
        (100, 130, 0, False),  # 40 − 4·20 would be negative
        (140, 70, 100, True),  # B at half time
        (70, 140, 100, True),  # B at double time
        (174, 86, 95 - 1.67 * (200 / 174), True),  # |174 − 2·86| = 2
        (None, 120, 50, False),
        (120, None, 50, False),
        (0, 120, 50, False),
    ],
)
def test_the_bpm_score_follows_each_band_of_the_formula(
    a: float | None, b: float | None, score: float, beatmatch: bool
) -> None:
    result = transition_score(TrackFeatures(bpm=a), TrackFeatures(bpm=b))
    assert result.bpm_score == pytest.approx(score)
    assert result.can_beatmatch is beatmatch


def test_the_bpm_distance_is_a_percentage_of_the_first_tempo() -> None:
    assert bpm_distance(100, 104) == pytest.approx(4)
    assert bpm_distance(104, 100) == pytest.approx(400 / 104)
    assert bpm_distance(None, 100) is None
    assert bpm_score_of(0.5) == 100 and bpm_score_of(0.51) < 95


@pytest.mark.parametrize(
    ("a", "b", "score", "compatibility"),
    [
        ("8A", "8A", 100, "perfect"),
        ("8A", "8B", 85, "compatible"),  # relative major/minor
        ("5B", "5A", 85, "compatible"),
        ("8A", "9A", 90, "energy_boost"),
        ("8A", "7A", 90, "energy_boost"),
        ("12A", "1A", 90, "energy_boost"),  # the wheel wraps 12 → 1
        ("1B", "12B", 90, "energy_boost"),
        ("8A", "9B", 75, "compatible"),
        ("12B", "1A", 75, "compatible"),
        ("8A", "10A", 55, "compatible"),
        ("11A", "1B", 55, "compatible"),  # distance 2 across 12
        ("8A", "11A", 35, "incompatible"),
        ("1A", "6B", 25, "incompatible"),
        ("2A", "8B", 20, "incompatible"),  # distance 6, the farthest: 50 − 30
        ("11B", "4A", 25, "incompatible"),  # 7 one way, 5 the other
        (None, "8A", 50, "unknown"),
        ("8A", "13A", 50, "unknown"),
        ("8C", "8A", 50, "unknown"),
        ("A", "8A", 50, "unknown"),
    ],
)
def test_the_key_score_follows_the_camelot_wheel(
    a: str | None, b: str, score: float, compatibility: str
) -> None:
    assert key_score_of(a, b) == (score, compatibility)
    result = transition_score(TrackFeatures(camelot_key=a), TrackFeatures(camelot_key=b))
    assert (result.key_score, result.key_compatibility) == (score, compatibility)


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        (0.5, 0.55, 100),
        (0.5, 0.4, 100),
        (0.5, 0.65, 85),
        (0.5, 0.25, 75),
        (0.5, 0.9, 65),
        (0.2, 0.8, 54),
        (0.0, 1.0, 30),
        (None, 0.5, 70),
        (0.5, None, 70),
    ],
)
def test_the_energy_and_danceability_scores_follow_each_band(
    a: float | None, b: float | None, score: float
) -> None:
    energy = transition_score(TrackFeatures(energy=a), TrackFeatures(energy=b))
    assert energy.energy_score == pytest.approx(score)
    dance = transition_score(
        TrackFeatures(energy=0.5, danceability=a), TrackFeatures(energy=0.5, danceability=b)
    )
    if a is None or b is None:
        assert dance.dance_score is None
    else:
        assert dance.dance_score == pytest.approx(score)


A = TrackFeatures(bpm=120, camelot_key="8A", energy=0.5)
B = TrackFeatures(bpm=126, camelot_key="9B", energy=0.8)


@pytest.mark.parametrize(
    ("a", "b", "overall"),
    [
        (A, A, 100),
        # 0.35·76.66 + 0.45·75 + 0.20·70 = 74.58
        (A, B, 75),
        # danceability on both sides splits the energy weight: … + 0.10·70 + 0.10·65 = 74.08
        (
            TrackFeatures(bpm=120, camelot_key="8A", energy=0.5, danceability=0.5),
            TrackFeatures(bpm=126, camelot_key="9B", energy=0.8, danceability=0.9),
            74,
        ),
        # danceability on one side only: the energy keeps its whole 0.20
        (TrackFeatures(bpm=120, camelot_key="8A", energy=0.5, danceability=0.5), B, 75),
        # nothing known: 0.35·50 + 0.45·50 + 0.20·70 = 54
        (TrackFeatures(), TrackFeatures(), 54),
        # 0.35·100 + 0.45·90 + 0.20·100 = 95.5, rounded half up as JavaScript does
        (
            TrackFeatures(bpm=128, camelot_key="8A", energy=0.6),
            TrackFeatures(bpm=128, camelot_key="9A", energy=0.6),
            96,
        ),
    ],
)
def test_the_overall_score_weighs_bpm_key_and_energy(
    a: TrackFeatures, b: TrackFeatures, overall: int
) -> None:
    assert transition_score(a, b).overall == overall
    assert transition_overall(a, b) == overall


def test_the_score_carries_its_differences() -> None:
    result = transition_score(A, B)
    assert result.bpm_diff == 6
    assert result.bpm_diff_percent == pytest.approx(5)
    assert result.energy_diff == pytest.approx(0.3)
    unknown = transition_score(TrackFeatures(), TrackFeatures())
    assert (unknown.bpm_diff, unknown.bpm_diff_percent, unknown.energy_diff) == (None, None, None)


@pytest.mark.parametrize(
    ("a", "b", "transition"),
    [
        (TrackFeatures(camelot_key="8A", energy=0.5), TrackFeatures(camelot_key="2A", energy=0.5), "key_change"),
        (TrackFeatures(camelot_key="8A", energy=0.2), TrackFeatures(camelot_key="3B", energy=0.9), "key_change"),
        (TrackFeatures(camelot_key="8A", energy=0.5), TrackFeatures(camelot_key="9A", energy=0.7), "energy_up"),
        (TrackFeatures(camelot_key="8A", energy=0.7), TrackFeatures(camelot_key="8B", energy=0.5), "energy_down"),
        (TrackFeatures(camelot_key="8A", energy=0.5), TrackFeatures(camelot_key="8A", energy=0.6), "smooth"),
        (TrackFeatures(camelot_key="8A", energy=0.5), TrackFeatures(camelot_key="10A", energy=0.5), "smooth"),
        (TrackFeatures(energy=0.2), TrackFeatures(energy=0.6), "energy_up"),  # unknown keys
        (TrackFeatures(camelot_key="8A"), TrackFeatures(camelot_key="8A", energy=0.9), "smooth"),
    ],
)  # fmt: skip
def test_the_suggested_transition_puts_a_key_clash_before_an_energy_change(
    a: TrackFeatures, b: TrackFeatures, transition: str
) -> None:
    assert transition_score(a, b).suggested_transition == transition


def _features(i: int) -> TrackFeatures:
    # A spread of tempi, keys and energies so that scores differ from pair to pair.
    return TrackFeatures(
        bpm=80 + (i * 37) % 100,
        camelot_key=f"{(i * 5) % 12 + 1}{'AB'[i % 2]}",
        energy=(i * 0.13) % 1,
        danceability=(i * 0.29) % 1,
    )


def _pool(analysed: int, unanalysed: int) -> list[tuple[str, TrackFeatures | None]]:
    pool: list[tuple[str, TrackFeatures | None]] = [
        (f"t{i}", _features(i)) for i in range(analysed)
    ]
    return pool + [(f"u{i}", None) for i in range(unanalysed)]


def test_the_same_seed_gives_the_same_order_and_other_seeds_other_orders() -> None:
    pool = _pool(24, 6)
    first = dj_shuffle(pool, 0.4242, take=10)
    assert dj_shuffle(list(pool), 0.4242, take=10) == first
    others = {tuple(dj_shuffle(pool, seed, take=10).track_ids) for seed in (0.1, 0.2, 0.3, 0.9)}
    assert len(others - {tuple(first.track_ids)}) >= 3


def test_each_next_track_is_the_best_scoring_of_those_left() -> None:
    pool = _pool(30, 0)
    features = dict(pool)
    order = dj_shuffle(pool, 0.77, take=30).track_ids
    assert sorted(order) == sorted(features)
    for position in range(len(order) - 1):
        current = features[order[position]]
        assert current is not None
        scores = {
            track_id: transition_overall(current, f)
            for track_id in order[position + 1 :]
            if (f := features[track_id]) is not None
        }
        assert scores[order[position + 1]] == max(scores.values())


def test_ties_are_broken_by_the_seed() -> None:
    same = TrackFeatures(bpm=120, camelot_key="8A", energy=0.5)
    pool: list[tuple[str, TrackFeatures | None]] = [(f"t{i}", same) for i in range(8)]
    orders = {tuple(dj_shuffle(pool, seed / 10, take=8).track_ids) for seed in range(10)}
    assert len(orders) > 5


def test_unanalysed_tracks_are_interleaved_at_the_seeded_positions() -> None:
    # seed·1000 = 4: u0 goes to 4 mod 7 = 4 in a chain of 6; then u1 to (4 + 7) mod 8 = 3,
    # which pushes u0 to 5.
    result = dj_shuffle(_pool(6, 2), 0.004, take=8)
    assert result.dj_mode
    assert result.track_ids[3] == "u1"
    assert result.track_ids[5] == "u0"
    assert sorted(result.track_ids) == sorted(track_id for track_id, _ in _pool(6, 2))


def test_the_chain_is_cut_to_the_page_size() -> None:
    take = 10
    result = dj_shuffle(_pool(20, 10)[: pool_size(take)], 0.5, take=take)
    assert result.dj_mode and len(result.track_ids) == take
    assert len(set(result.track_ids)) == take


def test_half_the_pool_analysed_is_enough_for_dj_mode() -> None:
    assert dj_shuffle(_pool(5, 5), 0.3, take=4).dj_mode


def test_less_than_half_analysed_falls_back_to_the_pools_own_seeded_order() -> None:
    pool = _pool(4, 6)
    result = dj_shuffle(pool, 0.3, take=5)
    assert not result.dj_mode
    assert result.track_ids == [track_id for track_id, _ in pool[:5]]


def test_an_empty_pool_gives_an_empty_page() -> None:
    assert dj_shuffle([], 0.3, take=5).track_ids == []


def test_the_pool_is_three_times_the_page() -> None:
    assert pool_size(50) == 150


def test_integer_seeds_give_different_orders() -> None:
    pool = _pool(12, 0)
    orders = {tuple(dj_shuffle(pool, seed, take=12).track_ids) for seed in (1, 2, 3, 4, 5)}
    assert len(orders) >= 4
