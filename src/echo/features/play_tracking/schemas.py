"""Request and response bodies of /api/play-tracking, and the play contexts with their weights."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel

PlayContext = Literal[
    "direct", "album", "playlist", "artist", "shuffle", "radio", "recommendation", "search", "queue"
]
# How much a full play in each context says about taste: a track picked by hand counts fully,
# one that merely came up in a shuffle barely counts.
CONTEXT_WEIGHTS: dict[str, float] = {
    "direct": 1.0,
    "search": 0.9,
    "playlist": 0.8,
    "artist": 0.75,
    "queue": 0.7,
    "recommendation": 0.7,
    "album": 0.6,
    "radio": 0.4,
    "shuffle": 0.2,
}
# Below this share of the track heard, a play counts as a skip.
SKIP_BELOW = 0.5

StatsItemType = Literal["track", "album", "artist"]
TimeRange = Literal["week", "month", "all"]


class PlayRequest(InputModel):
    track_id: uuid.UUID
    play_context: PlayContext
    completion_rate: float = Field(1.0, ge=0.0, le=1.0)
    source_id: str | None = Field(None, max_length=64)
    source_type: str | None = Field(None, max_length=32)


class SkipRequest(InputModel):
    track_id: uuid.UUID
    play_context: PlayContext
    completion_rate: float = Field(ge=0.0, le=1.0)


class PlayEventView(ApiModel):
    id: uuid.UUID
    user_id: uuid.UUID
    track_id: uuid.UUID
    played_at: datetime
    client: str | None
    play_context: str
    completion_rate: float
    skipped: bool
    source_id: str | None
    source_type: str | None
    created_at: datetime


class TrackBrief(ApiModel):
    id: uuid.UUID
    title: str
    artist_name: str
    artist_id: uuid.UUID
    album_name: str
    album_id: uuid.UUID
    duration: float
    track_number: int | None
    disc_number: int
    year: int | None


class TopTrack(ApiModel):
    track_id: uuid.UUID
    play_count: int
    weighted_play_count: float
    track: TrackBrief


class PlaySummary(ApiModel):
    """Over the last `days`: every recorded event counts in totalPlays, skips included."""

    total_plays: int
    total_skips: int
    avg_completion_rate: float
    top_context: str | None
    plays_by_context: dict[str, int]
    recent_plays: list[PlayEventView]


class ItemStats(ApiModel):
    """The caller's counts for one track, album or artist (zeros when never played), and the
    plays of all users with how many users played it. Cached per caller and dropped by the
    caller's own plays, so the all-user figures may lag others' plays by the cache's 10 min."""

    item_type: StatsItemType
    item_id: uuid.UUID
    play_count: int
    weighted_play_count: float
    skip_count: int
    avg_completion_rate: float
    last_played_at: datetime | None
    total_play_count: int
    listener_count: int


class FederationTrack(InputModel):
    title: str = Field(max_length=1024)
    artist_name: str = Field(max_length=1024)
    album_name: str | None = Field(None, max_length=512)
    cover_url: str | None = Field(None, max_length=2048)
    server_id: str | None = Field(None, max_length=64)
    server_name: str | None = Field(None, max_length=255)


class PlaybackStateRequest(InputModel):
    is_playing: bool
    current_track_id: uuid.UUID | None = None
    federation_track: FederationTrack | None = None
