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
    rg_track_gain: float | None
    rg_track_peak: float | None
    rg_album_gain: float | None
    rg_album_peak: float | None
    outro_start: float | None = None
    bpm: float | None
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
