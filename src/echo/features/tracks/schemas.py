"""Track payloads (spec §2.7): no absolute file paths, only the path inside the library."""

from __future__ import annotations

import uuid
from datetime import datetime

from echo.core.paging import SkipPage
from echo.core.schemas import ApiModel
from echo.features.artists.schemas import ArtistRef
from echo.features.genres.schemas import GenreRef


class TrackView(ApiModel):
    id: uuid.UUID
    title: str
    album_id: uuid.UUID
    artist_id: uuid.UUID
    album_artist_id: uuid.UUID
    artists: list[ArtistRef]
    genres: list[GenreRef]
    track_number: int | None
    track_total: int | None
    disc_number: int
    disc_total: int | None
    disc_subtitle: str | None
    year: int | None
    date: str | None
    duration: float
    # Relative to the library folder that holds the file.
    path: str
    suffix: str
    size: int
    bit_rate: int | None
    sample_rate: int | None
    bit_depth: int | None
    channels: int | None
    lyrics: str | None
    comment: str | None
    album_name: str
    artist_name: str
    album_artist_name: str
    compilation: bool
    cover_image: str | None
    # Gains a player applies (analysis/README.md): measured (the original's −16 LUFS fields
    # and ReplayGain 2.0's −18 LUFS), or the file's ReplayGain tags when an admin prefers them.
    rg_track_gain: float | None
    rg_track_peak: float | None
    rg_album_gain: float | None
    rg_album_peak: float | None
    # Defaults: payloads cached before these fields existed still read.
    replay_gain_track_gain: float | None = None
    replay_gain_track_peak: float | None = None
    replay_gain_album_gain: float | None = None
    replay_gain_album_peak: float | None = None
    outro_start: float | None = None
    # DJ analysis; BPM and key from the tags when they carry them.
    bpm: float | None
    key: str | None = None
    camelot_key: str | None = None
    energy: float | None = None
    danceability: float | None = None
    initial_key: str | None
    mbz_track_id: str | None
    mbz_release_track_id: str | None
    mbz_album_id: str | None
    mbz_artist_id: str | None
    mbz_album_artist_id: str | None
    is_missing: bool
    created_at: datetime
    updated_at: datetime


class ShufflePage(SkipPage[TrackView]):
    """A page of the seeded shuffle; the client re-sends `seed` to page through one order."""

    seed: float
