"""Loudness status, retry answers and the gains derived from measurements."""

from __future__ import annotations

from datetime import datetime

from echo.core.schemas import ApiModel
from echo.features.analysis.models import TrackLoudness

# The original Echo normalises to −16 LUFS; ReplayGain 2.0 to −18 LUFS.
ECHO_TARGET_LUFS = -16.0
REPLAYGAIN_REFERENCE_LUFS = -18.0


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
    measured = track is not None and track.integrated_lufs is not None
    lufs = track.integrated_lufs if track is not None else None
    peak = linear(track.true_peak_db) if track is not None else None
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
        outro_start=track.outro_start if track is not None else None,
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
