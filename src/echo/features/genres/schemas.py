"""Genre payloads (spec §2.8), plus the genre references tracks and albums carry."""

from __future__ import annotations

import uuid
from enum import StrEnum

from echo.core.schemas import ApiModel


class GenreRef(ApiModel):
    id: uuid.UUID
    name: str


class GenreView(ApiModel):
    id: uuid.UUID
    name: str
    slug: str
    track_count: int
    album_count: int
    artist_count: int
    cover_image_url: str | None
    cover_color: str


class GenreSort(StrEnum):
    NAME = "name"
    TRACK_COUNT = "trackCount"
    ALBUM_COUNT = "albumCount"


class GenreAlbumSort(StrEnum):
    RELEASE_YEAR = "releaseYear"
    TITLE = "title"
    PLAY_COUNT = "playCount"


class GenreTrackSort(StrEnum):
    PLAY_COUNT = "playCount"
    TITLE = "title"
    RELEASE_YEAR = "releaseYear"


class GenreArtistSort(StrEnum):
    NAME = "name"
    ALBUM_COUNT = "albumCount"
    SONG_COUNT = "songCount"


class Order(StrEnum):
    ASC = "asc"
    DESC = "desc"
