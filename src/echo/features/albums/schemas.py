"""Album payloads (spec §2.5) and the cover URL every library payload uses."""

from __future__ import annotations

import uuid
from datetime import datetime

from echo.core.schemas import ApiModel
from echo.features.artists.schemas import ArtistRef
from echo.features.genres.schemas import GenreRef


def cover_url(album_id: uuid.UUID, cover_hash: str | None) -> str | None:
    """The image route of the album's cover; the content hash in `v` makes it immutable."""
    if cover_hash is None:
        return None
    return f"/api/images/albums/{album_id}/cover?v={cover_hash[:16]}"


class AlbumView(ApiModel):
    id: uuid.UUID
    name: str
    title: str
    artist: str
    artist_id: uuid.UUID
    album_artist_id: uuid.UUID
    album_artist: ArtistRef
    genres: list[GenreRef]
    cover_image: str | None
    year: int | None
    release_date: str | None
    original_date: str | None
    compilation: bool
    song_count: int
    total_tracks: int
    disc_count: int
    duration: float
    size: int
    description: str | None
    mbz_album_id: str | None
    mbz_album_artist_id: str | None
    mbz_release_group_id: str | None
    catalog_num: str | None
    created_at: datetime
    added_at: datetime
    updated_at: datetime


class AlbumList(ApiModel):
    """`{data: Album[]}`: the envelope of recently played albums."""

    data: list[AlbumView]
