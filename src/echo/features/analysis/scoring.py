"""Transition compatibility between two tracks, and the DJ-shuffle ordering built on it."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

KeyCompatibility = Literal["perfect", "compatible", "energy_boost", "incompatible", "unknown"]
Transition = Literal["smooth", "energy_up", "energy_down", "key_change"]

BEATMATCH_LIMIT = 8.0  # percent of tempo a DJ can still pitch across
ENERGY_STEP = 0.15  # an energy change bigger than this is worth calling out
DJ_MODE_MINIMUM = 0.5  # share of analysed tracks below which the DJ shuffle gives up
POOL_FACTOR = 3


@dataclass(frozen=True)
class TrackFeatures:
    bpm: float | None = None
    camelot_key: str | None = None  # "8A"
    energy: float | None = None  # 0–1
    danceability: float | None = None  # 0–1


@dataclass(frozen=True)
class TransitionScore:
    overall: int  # 0–100
    bpm_score: float
    key_score: float
    energy_score: float
    dance_score: float | None
    bpm_diff: float | None  # |A − B| in BPM
    bpm_diff_percent: float | None  # the half/double-time aware distance the score uses
    energy_diff: float | None  # B − A
    key_compatibility: KeyCompatibility
    can_beatmatch: bool
    suggested_transition: Transition


def transition_score(a: TrackFeatures, b: TrackFeatures) -> TransitionScore:
    """How well track `b` follows track `a`, 0–100, with the parts that make up the score."""
    percent = bpm_distance(a.bpm, b.bpm)
    bpm_score = bpm_score_of(percent)
    key_score, compatibility = key_score_of(a.camelot_key, b.camelot_key)
    energy = _delta_score(a.energy, b.energy)
    dance = (
        _delta_score(a.danceability, b.danceability)
        if a.danceability is not None and b.danceability is not None
        else None
    )
    energy_diff = b.energy - a.energy if a.energy is not None and b.energy is not None else None
    return TransitionScore(
        overall=_weighted(bpm_score, key_score, energy, dance),
        bpm_score=bpm_score,
        key_score=key_score,
        energy_score=energy,
        dance_score=dance,
        bpm_diff=abs(a.bpm - b.bpm) if percent is not None and a.bpm and b.bpm else None,
        bpm_diff_percent=percent,
        energy_diff=energy_diff,
        key_compatibility=compatibility,
        can_beatmatch=percent is not None and percent <= BEATMATCH_LIMIT,
        suggested_transition=suggest_transition(compatibility, energy_diff),
    )


def transition_overall(a: TrackFeatures, b: TrackFeatures) -> int:
    """Only the overall score: the DJ shuffle needs it for every pair of its pool."""
    dance = (
        _delta_score(a.danceability, b.danceability)
        if a.danceability is not None and b.danceability is not None
        else None
    )
    return _weighted(
        bpm_score_of(bpm_distance(a.bpm, b.bpm)),
        key_score_of(a.camelot_key, b.camelot_key)[0],
        _delta_score(a.energy, b.energy),
        dance,
    )


def _weighted(bpm: float, key: float, energy: float, dance: float | None) -> int:
    if dance is None:
        overall = 0.35 * bpm + 0.45 * key + 0.20 * energy
    else:
        overall = 0.35 * bpm + 0.45 * key + 0.10 * energy + 0.10 * dance
    # JavaScript's Math.round, which the original used; Python's round() is banker's.
    return math.floor(overall + 0.5)


def bpm_distance(a: float | None, b: float | None) -> float | None:
    """Percent tempo difference from A, allowing B at half or double time; None if unknown."""
    if not a or not b or a <= 0 or b <= 0:
        return None
    return 100 * min(abs(a - b), abs(a - 2 * b), abs(a - b / 2)) / a


def bpm_score_of(percent: float | None) -> float:
    if percent is None:
        return 50.0
    if percent <= 0.5:
        return 100.0
    if percent <= 3:
        return 95 - 1.67 * percent
    if percent <= 6:
        return 90 - 6.67 * (percent - 3)
    if percent <= 10:
        return 70 - 7.5 * (percent - 6)
    return max(0.0, 40 - 4 * (percent - 10))


def key_score_of(a: str | None, b: str | None) -> tuple[float, KeyCompatibility]:
    """Harmonic-mixing score of two Camelot keys; hours wrap around the wheel (12 → 1)."""
    wheel_a, wheel_b = _parse_camelot(a), _parse_camelot(b)
    if wheel_a is None or wheel_b is None:
        return 50.0, "unknown"
    (hour_a, letter_a), (hour_b, letter_b) = wheel_a, wheel_b
    distance = min(abs(hour_a - hour_b), 12 - abs(hour_a - hour_b))
    same_letter = letter_a == letter_b
    if distance == 0:
        return (100.0, "perfect") if same_letter else (85.0, "compatible")
    if distance == 1:
        return (90.0, "energy_boost") if same_letter else (75.0, "compatible")
    if distance == 2:
        return 55.0, "compatible"
    return max(20.0, 50 - 5 * distance), "incompatible"


def _parse_camelot(code: str | None) -> tuple[int, str] | None:
    if not code or len(code) < 2:
        return None
    hour, letter = code[:-1], code[-1].upper()
    if not hour.isdigit() or not 1 <= int(hour) <= 12 or letter not in ("A", "B"):
        return None
    return int(hour), letter


def _delta_score(a: float | None, b: float | None) -> float:
    """Energy (or danceability) closeness: a small step is free, a big jump costs."""
    if a is None or b is None:
        return 70.0
    delta = abs(a - b)
    if delta <= 0.1:
        return 100.0
    if delta <= 0.2:
        return 90 - (delta - 0.1) * 100
    if delta <= 0.3:
        return 80 - (delta - 0.2) * 100
    if delta <= 0.5:
        return 70 - (delta - 0.3) * 50
    return max(30.0, 60 - (delta - 0.5) * 60)


def suggest_transition(compatibility: KeyCompatibility, energy_diff: float | None) -> Transition:
    if compatibility == "incompatible":
        return "key_change"
    if energy_diff is not None and abs(energy_diff) > ENERGY_STEP:
        return "energy_up" if energy_diff > 0 else "energy_down"
    return "smooth"


@dataclass(frozen=True)
class DjShuffle:
    track_ids: list[str]
    dj_mode: bool


def pool_size(take: int) -> int:
    """How many candidates (from the regular seeded shuffle) the DJ shuffle chooses from."""
    return POOL_FACTOR * take


def dj_shuffle(
    pool: Sequence[tuple[str, TrackFeatures | None]], seed: float, take: int
) -> DjShuffle:
    """The first page of the DJ shuffle (§2.7 steps 2–5).

    `pool` is step 1: the first `pool_size(take)` tracks of the regular seeded shuffle, in
    that order, each with its completed DJ analysis or None. Falling back to the regular
    shuffle is then its first `take` tracks, so the next pages (the regular shuffle) follow on.
    """
    analysed = [(track_id, f) for track_id, f in pool if f is not None]
    if not pool or len(analysed) < DJ_MODE_MINIMUM * len(pool):
        return DjShuffle([track_id for track_id, _ in pool[:take]], dj_mode=False)
    random = _lcg(seed)
    current = analysed.pop(int(next(random) * len(analysed)))
    chain = [current[0]]
    while analysed:
        # The jitter stays below one score point: it only breaks ties.
        scores = [transition_overall(current[1], f) + 0.5 * next(random) for _, f in analysed]
        current = analysed.pop(scores.index(max(scores)))
        chain.append(current[0])
    unanalysed = [track_id for track_id, f in pool if f is None]
    for i, track_id in enumerate(unanalysed):
        chain.insert(math.floor(seed * 1000 + i * 7) % (len(chain) + 1), track_id)
    return DjShuffle(chain[:take], dj_mode=True)


def _lcg(seed: float) -> Iterator[float]:
    """The original's seeded generator (s·9301 + 49297 mod 233280): same seed, same order."""
    # Seeds are usually in [0, 1) but may be any number a client sends back.
    whole = math.floor(abs(seed))
    state = (whole + math.floor((abs(seed) - whole) * 233_280)) % 233_280
    # The first outputs of neighbouring states are neighbours too: let them drift apart.
    for _ in range(4):
        state = (state * 9301 + 49297) % 233_280
    while True:
        state = (state * 9301 + 49297) % 233_280
        yield state / 233_280
