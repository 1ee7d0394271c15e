"""Artist payloads (spec §2.6), plus the artist references tracks and albums carry."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from echo.core.schemas import ApiModel


class ArtistRef(ApiModel):
    id: uuid.UUID
    name: str


class ArtistView(ApiModel):
    id: uuid.UUID
    name: str
    album_count: int
    song_count: int
    duration: float
    size: int
    mbz_artist_id: str | None
    biography: str | None
    # Artist images come with metadata enrichment; until then there are none.
    profile_image_url: str | None = None
    small_image_url: str | None = None
    medium_image_url: str | None = None
    large_image_url: str | None = None
    background_position: str | None = None
    external_url: str | None
    external_info_updated_at: datetime | None
    order_artist_name: str
    created_at: datetime
    updated_at: datetime


class TopTrack(ApiModel):
    track_id: uuid.UUID
    title: str
    album_id: uuid.UUID
    album_name: str
    duration: float
    play_count: int
    unique_listeners: int


class TopTracks(ApiModel):
    artist_id: uuid.UUID
    limit: int
    days: int | None = None
    data: list[TopTrack]


class ArtistStats(ApiModel):
    artist_id: uuid.UUID
    total_plays: int
    unique_listeners: int
    avg_completion_rate: float
    skip_rate: float


class RelatedArtist(ApiModel):
    id: uuid.UUID
    name: str
    album_count: int
    song_count: int
    match_score: int


class RelatedArtists(ApiModel):
    artist_id: uuid.UUID
    data: list[RelatedArtist]
    source: Literal["external", "genre", "internal", "none"]
