"""How files become artists, albums and tracks that keep their ids across rescans and moves."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from echo.core.text import fold, sort_key

UNKNOWN_ARTIST = "Unknown Artist"
UNKNOWN_ALBUM = "Unknown Album"
VARIOUS_ARTISTS = "Various Artists"


def artist_key(name: str, mbz_artist_id: str | None) -> str:
    """Artists with a MusicBrainz id are told apart by it; others by their normalised name."""
    return f"mbid:{mbz_artist_id}" if mbz_artist_id else f"name:{sort_key(name)}"


@lru_cache(maxsize=65_536)  # asked once per track, the same for every track of an album
def album_pid(
    mbz_album_id: str | None, album_artist_key: str, album_name: str, year: int | None
) -> str:
    """The MusicBrainz album id, else a hash of album artist, name and year.

    The folder is not part of it, so the discs of an album in CD1/ and CD2/ are one album.
    """
    if mbz_album_id:
        return mbz_album_id
    basis = f"{album_artist_key}:{fold(album_name)}:{year or ''}"
    return "pid-" + hashlib.sha256(basis.encode()).hexdigest()[:32]


def fingerprint(
    size: int, duration: float, title: str, artist: str, album: str, track: int | None
) -> str:
    """Recognises a moved or renamed file whose content did not change."""
    basis = f"{size}:{round(duration, 1)}:{fold(title)}:{fold(artist)}:{fold(album)}:{track or ''}"
    return hashlib.sha256(basis.encode()).hexdigest()[:32]
