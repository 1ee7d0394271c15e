"""Loudness and DJ analysis status, retry answers, the gains derived from measurements and a
track's DJ features."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from echo.core.schemas import ApiModel
from echo.features.analysis.dj import camelot, parse_key
from echo.features.analysis.models import TrackLoudness
from echo.features.tracks.schemas import ShufflePage

# The original Echo normalises to −16 LUFS; ReplayGain 2.0 to −18 LUFS.
ECHO_TARGET_LUFS = -16.0
REPLAYGAIN_REFERENCE_LUFS = -18.0
# System setting: ReplayGain tags win over the measurements (default off).
PREFER_TAGS_SETTING = "lufs.prefer_tags"


class LufsStatus(ApiModel):
    is_running: bool
    pending_tracks: int
    processed_in_session: int
    failed_tracks: int
    current_track: str | None
    started_at: datetime | None
    estimated_time_remaining: int | None  # seconds


class LufsProgress(ApiModel):
    """The `lufs:progress` event."""

    is_running: bool
    pending_tracks: int
    processed_in_session: int
    estimated_time_remaining: int | None


class RetryResult(ApiModel):
    retried: int
    message: str


class Gains(ApiModel):
    """What a player applies: the original's −16 LUFS fields and ReplayGain 2.0 values."""

    rg_track_gain: float | None
    rg_track_peak: float | None
    rg_album_gain: float | None
    rg_album_peak: float | None
    replay_gain_track_gain: float | None
    replay_gain_track_peak: float | None
    replay_gain_album_gain: float | None
    replay_gain_album_peak: float | None
    outro_start: float | None
    source: str  # measured | tags | none


def linear(db: float | None) -> float | None:
    return None if db is None else round(10 ** (db / 20), 6)


def gain_to(target: float, lufs: float | None) -> float | None:
    return None if lufs is None else round(target - lufs, 2)


def measured_gains(
    track: TrackLoudness | None,
    album_lufs: float | None,
    album_true_peak_db: float | None,
) -> Gains:
    return gains_from(
        track.integrated_lufs if track is not None else None,
        track.true_peak_db if track is not None else None,
        track.outro_start if track is not None else None,
        album_lufs,
        album_true_peak_db,
    )


def gains_from(
    lufs: float | None,
    true_peak_db: float | None,
    outro_start: float | None,
    album_lufs: float | None,
    album_true_peak_db: float | None,
) -> Gains:
    measured = lufs is not None
    peak = linear(true_peak_db)
    album_peak = linear(album_true_peak_db)
    return Gains(
        rg_track_gain=gain_to(ECHO_TARGET_LUFS, lufs),
        rg_track_peak=peak,
        rg_album_gain=gain_to(ECHO_TARGET_LUFS, album_lufs),
        rg_album_peak=album_peak,
        replay_gain_track_gain=gain_to(REPLAYGAIN_REFERENCE_LUFS, lufs),
        replay_gain_track_peak=peak,
        replay_gain_album_gain=gain_to(REPLAYGAIN_REFERENCE_LUFS, album_lufs),
        replay_gain_album_peak=album_peak,
        outro_start=outro_start,
        source="measured" if measured else "none",
    )


def tag_gains(
    track_gain: float | None,
    track_peak: float | None,
    album_gain: float | None,
    album_peak: float | None,
    outro_start: float | None,
) -> Gains:
    """Tags are ReplayGain (−18 LUFS reference): the −16 LUFS fields are 2 dB louder."""
    shift = ECHO_TARGET_LUFS - REPLAYGAIN_REFERENCE_LUFS
    return Gains(
        rg_track_gain=None if track_gain is None else round(track_gain + shift, 2),
        rg_track_peak=track_peak,
        rg_album_gain=None if album_gain is None else round(album_gain + shift, 2),
        rg_album_peak=album_peak,
        replay_gain_track_gain=track_gain,
        replay_gain_track_peak=track_peak,
        replay_gain_album_gain=album_gain,
        replay_gain_album_peak=album_peak,
        outro_start=outro_start,
        source="tags",
    )


@dataclass(frozen=True)
class LoudnessValues:
    """What a track's payload needs to choose its gains: the file's ReplayGain tags and the
    measurements of the track and its album."""

    tag_track_gain: float | None
    tag_track_peak: float | None
    tag_album_gain: float | None
    tag_album_peak: float | None
    lufs: float | None
    true_peak_db: float | None
    outro_start: float | None
    album_lufs: float | None
    album_true_peak_db: float | None


def effective_gains(values: LoudnessValues, prefer_tags: bool) -> Gains:
    """Measured gains, unless the file has ReplayGain tags and an admin prefers them (or
    nothing was measured)."""
    tagged = values.tag_track_gain is not None
    if tagged and (prefer_tags or values.lufs is None):
        return tag_gains(
            values.tag_track_gain, values.tag_track_peak, values.tag_album_gain,
            values.tag_album_peak, values.outro_start,
        )  # fmt: skip
    return gains_from(
        values.lufs, values.true_peak_db, values.outro_start, values.album_lufs,
        values.album_true_peak_db,
    )  # fmt: skip


def setting_on(value: str | None, default: bool) -> bool:
    """A boolean system setting as stored (`true`, `1`, `yes`, `on`)."""
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


class DjStatus(ApiModel):
    """`GET /scanner/dj-status`: the spec's fields, plus the loudness status's own."""

    is_running: bool
    pending_tracks: int
    processed_in_session: int
    failed_tracks: int
    current_track: str | None
    started_at: datetime | None
    estimated_time_remaining: int | None  # seconds
    concurrency: int
    analyzer_backend: str
    stopped: bool


class DjProgress(ApiModel):
    """The `dj:progress` event."""

    is_running: bool
    pending_tracks: int
    processed_in_session: int
    estimated_time_remaining: int | None


class StopResult(ApiModel):
    success: bool
    message: str


class CamelotColor(ApiModel):
    bg: str
    text: str
    name: str


class TrackDj(ApiModel):
    """`GET /tracks/{id}/dj`."""

    status: str
    bpm: float | None
    key: str | None
    camelot_key: str | None
    camelot_color: CamelotColor | None
    energy: float | None
    raw_energy: float | None
    danceability: float | None
    detected_bpm: float | None
    detected_key: str | None
    analysis_error: str | None
    analyzed_at: datetime | None


def camelot_color(code: str | None) -> CamelotColor | None:
    """The display colour of a Camelot code such as `8A`."""
    if not code:
        return None
    key = parse_key(code)
    if key is None:
        return None
    colour = camelot(key)[1]
    return CamelotColor(bg=colour.bg, text=colour.text, name=colour.name)


class DjShufflePage(ShufflePage):
    """`GET /tracks/shuffle/dj`: the shuffle page, and whether it is chained by transition
    score (`djMode`) or the regular seeded order."""

    dj_mode: bool
