"""The combined search payload: the best albums, artists and tracks for one query."""

from __future__ import annotations

from echo.core.schemas import ApiModel
from echo.features.albums.schemas import AlbumView
from echo.features.artists.schemas import ArtistView
from echo.features.tracks.schemas import TrackView


class AlbumMatches(ApiModel):
    data: list[AlbumView]
    total: int


class ArtistMatches(ApiModel):
    data: list[ArtistView]
    total: int


class TrackMatches(ApiModel):
    data: list[TrackView]
    total: int


class SearchResults(ApiModel):
    query: str
    artists: ArtistMatches
    albums: AlbumMatches
    tracks: TrackMatches
