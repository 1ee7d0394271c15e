"""Tag reading: one audio file's tags and stream info as a `TrackTags`, alike for every format."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import mutagen
from mutagen.flac import FLAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

from echo.features.scanner.tags_formats import FRONT_COVER, RawTags, extract, pictures
from echo.features.scanner.tags_values import (
    display,
    first,
    genre_names,
    identifiers,
    number,
    number_pair,
    parse_float,
    parse_lrc,
    r128_to_replaygain,
    truthy,
    year_of,
)

DEFAULT_SEPARATORS = (" feat. ", " ft. ", " featuring ", ";", " / ")
# Opus always decodes at 48 kHz; the rate in its header is only the encoder's input rate.
OPUS_SAMPLE_RATE = 48_000
# Sidecar lyrics bigger than this are not lyrics.
MAX_LRC_BYTES = 1_000_000
# What mutagen.File reads to tell formats apart.
HEADER_BYTES = 128


class TagError(Exception):
    """The file is not readable audio: missing, empty, corrupt, truncated or not audio at all."""


@dataclass(frozen=True, slots=True)
class SyncedLine:
    time_ms: int
    text: str


@dataclass(slots=True)
class TrackTags:
    path: str
    size: int
    mtime_ns: int
    suffix: str
    title: str | None = None
    artist: str | None = None
    artists: list[str] = field(default_factory=list)
    album_artist: str | None = None
    album_artists: list[str] = field(default_factory=list)
    album: str | None = None
    track_number: int | None = None
    track_total: int | None = None
    disc_number: int | None = None
    disc_total: int | None = None
    disc_subtitle: str | None = None
    year: int | None = None
    date: str | None = None
    original_date: str | None = None
    genres: list[str] = field(default_factory=list)
    compilation: bool = False
    comment: str | None = None
    lyrics: str | None = None
    synced_lyrics: list[SyncedLine] = field(default_factory=list)
    mbz_track_id: str | None = None
    mbz_release_track_id: str | None = None
    mbz_album_id: str | None = None
    mbz_artist_ids: list[str] = field(default_factory=list)
    mbz_album_artist_ids: list[str] = field(default_factory=list)
    mbz_release_group_id: str | None = None
    rg_track_gain: float | None = None
    rg_track_peak: float | None = None
    rg_album_gain: float | None = None
    rg_album_peak: float | None = None
    bpm: float | None = None
    initial_key: str | None = None
    sort_title: str | None = None
    sort_artist: str | None = None
    sort_album: str | None = None
    sort_album_artist: str | None = None
    catalog_num: str | None = None
    duration: float = 0.0
    bit_rate: int | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    channels: int | None = None
    has_embedded_picture: bool = False

    def __reduce__(self) -> tuple[type[TrackTags], tuple[Any, ...]]:
        # Pickled as its values (rebuilt by __init__): the state dict that slots dataclasses
        # pickle by default costs the scanning process a third more to load.
        return (TrackTags, tuple(getattr(self, name) for name in _TRACK_TAGS_FIELDS))


_TRACK_TAGS_FIELDS = tuple(f.name for f in fields(TrackTags))


def read_tags(path: str, separators: tuple[str, ...] = DEFAULT_SEPARATORS) -> TrackTags:
    """Tags and stream info of one file; `TagError` when it is not readable audio."""
    audio, stat = _open(path)
    raw = extract(audio)
    values = raw.values
    track_number, track_of = number_pair(first(values, "track"))
    disc_number, disc_of = number_pair(first(values, "disc"))
    date = first(values, "date")
    original_date = first(values, "originaldate") or first(values, "originalyear")
    lyrics, synced = _lyrics(path, raw)
    track_gain, album_gain = _gains(values)
    tags = TrackTags(
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        suffix=os.path.splitext(path)[1][1:].lower(),
        title=first(values, "title"),
        artist=display(values.get("artist")),
        artists=split_artists(values.get("artists") or values.get("artist", []), separators),
        album_artist=display(values.get("albumartist")),
        album_artists=split_artists(
            values.get("albumartists") or values.get("albumartist", []), separators
        ),
        album=first(values, "album"),
        track_number=track_number,
        track_total=number(first(values, "tracktotal")) or track_of,
        disc_number=disc_number,
        disc_total=number(first(values, "disctotal")) or disc_of,
        disc_subtitle=first(values, "discsubtitle"),
        year=year_of(date) or year_of(original_date),
        date=date,
        original_date=original_date,
        genres=split_artists(
            [name for value in values.get("genre", []) for name in genre_names(value)], separators
        ),
        compilation=truthy(first(values, "compilation")),
        comment=first(values, "comment"),
        lyrics=lyrics,
        synced_lyrics=synced,
        mbz_track_id=first(values, "mbz_track"),
        mbz_release_track_id=first(values, "mbz_release_track"),
        mbz_album_id=first(values, "mbz_album"),
        mbz_artist_ids=identifiers(values.get("mbz_artist", [])),
        mbz_album_artist_ids=identifiers(values.get("mbz_album_artist", [])),
        mbz_release_group_id=first(values, "mbz_release_group"),
        rg_track_gain=track_gain,
        rg_track_peak=parse_float(first(values, "rg_track_peak")),
        rg_album_gain=album_gain,
        rg_album_peak=parse_float(first(values, "rg_album_peak")),
        bpm=_positive(parse_float(first(values, "bpm"))),
        initial_key=first(values, "key"),
        sort_title=first(values, "titlesort"),
        sort_artist=first(values, "artistsort"),
        sort_album=first(values, "albumsort"),
        sort_album_artist=first(values, "albumartistsort"),
        catalog_num=first(values, "catalognumber"),
        has_embedded_picture=raw.has_picture,
    )
    _fill_stream_info(tags, audio)
    return tags


def split_artists(values: list[str], separators: tuple[str, ...]) -> list[str]:
    """Each value cut at the separators (case-insensitive), trimmed, deduplicated in order.

    Separators are matched as written, spaces included, so "AC/DC" survives " / ".
    """
    pattern = _separator_pattern(separators)
    names: list[str] = []
    seen: set[str] = set()
    for value in values:
        for part in pattern.split(value) if pattern else [value]:
            name = part.strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


@lru_cache(maxsize=8)  # built three times per file otherwise, always from the same separators
def _separator_pattern(separators: tuple[str, ...]) -> re.Pattern[str] | None:
    usable = sorted((s for s in separators if s.strip()), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, usable)), re.IGNORECASE) if usable else None


def embedded_picture(path: str) -> bytes | None:
    """The front cover embedded in the file, else its first picture, else None."""
    audio, _ = _open(path)
    found = pictures(audio)
    for kind, data in found:
        if kind == FRONT_COVER:
            return data
    return found[0][1] if found else None


def _open(path: str) -> tuple[Any, os.stat_result]:
    try:
        file = open(path, "rb")  # noqa: SIM115 - a with block below closes it
    except OSError as error:
        raise TagError(f"cannot read the file: {error.strerror or error}") from error
    with file:
        stat = os.fstat(file.fileno())
        if stat.st_size == 0:
            raise TagError("the file is empty")
        try:
            kind = _kind_by_signature(path, file.read(HEADER_BYTES))
            file.seek(0)
            audio = kind(file) if kind else mutagen.File(file)
        except OSError as error:
            raise TagError(f"cannot read the file: {error.strerror or error}") from error
        # mutagen raises its own errors, but damaged data also surfaces as struct, value,
        # index, overflow or Unicode errors; none of them may stop a scan.
        except Exception as error:
            raise TagError(f"unreadable or corrupt audio file: {error}") from error
    if audio is None or audio.info is None:
        raise TagError("not a supported audio file")
    return audio, stat


def _kind_by_signature(path: str, header: bytes) -> type[Any] | None:
    """The mutagen class of a common format, known from the file's first bytes (and, for MP3,
    which has no magic number, its extension); None leaves the choice to mutagen.File, which
    asks every format it knows for a score first: a quarter of the time of reading a file."""
    if header[:4] == b"fLaC":
        return FLAC
    if header[:4] == b"OggS":
        if b"\x01vorbis" in header:
            return OggVorbis
        if b"OpusHead" in header:
            return OggOpus
        return None
    if header[4:8] == b"ftyp":
        return MP4
    if os.path.splitext(path)[1].lower() == ".mp3" and (header[:3] == b"ID3" or _mpeg_sync(header)):
        return MP3
    return None


def _mpeg_sync(header: bytes) -> bool:
    """An MPEG audio frame starts with 11 set bits."""
    return len(header) >= 2 and header[0] == 0xFF and header[1] & 0xE0 == 0xE0


def _lyrics(path: str, raw: RawTags) -> tuple[str | None, list[SyncedLine]]:
    synced = raw.synced_lyrics
    lyrics = first(raw.values, "lyrics")
    if lyrics is not None:
        # Many taggers store LRC text in the plain lyrics tag.
        from_lrc = parse_lrc(lyrics)
        if from_lrc:
            synced = synced or from_lrc
            lyrics = _words(from_lrc)
    if lyrics is None or not synced:
        sidecar = _sidecar_lrc(path)
        if sidecar is not None:
            from_lrc = parse_lrc(sidecar)
            synced = synced or from_lrc
            lyrics = lyrics or (_words(from_lrc) if from_lrc else sidecar)
    if lyrics is None and synced:
        # A player without synced display still shows the words of an ID3 SYLT-only file.
        lyrics = _words(synced)
    return lyrics or None, [SyncedLine(time_ms, text) for time_ms, text in synced]


def _words(lines: list[tuple[int, str]]) -> str:
    return "\n".join(text for _, text in lines if text)


def _sidecar_lrc(path: str) -> str | None:
    lrc = os.path.splitext(path)[0] + ".lrc"
    # Most files have none: a failed exists() costs a third of a failed open().
    if not os.path.exists(lrc):
        return None
    try:
        with open(lrc, "rb") as file:
            data = file.read(MAX_LRC_BYTES)
    except OSError:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", "replace")  # older LRC tools wrote the Windows code page
    return text.strip() or None


def _gains(values: dict[str, list[str]]) -> tuple[float | None, float | None]:
    # Opus forbids REPLAYGAIN_* and carries R128 gains instead; they win when present.
    track = r128_to_replaygain(first(values, "r128_track_gain"))
    album = r128_to_replaygain(first(values, "r128_album_gain"))
    if track is None:
        track = parse_float(first(values, "rg_track_gain"))
    if album is None:
        album = parse_float(first(values, "rg_album_gain"))
    return track, album


def _positive(value: float | None) -> float | None:
    # A zero BPM means "not analysed", not a tempo.
    return value if value is not None and value > 0 else None


def _fill_stream_info(tags: TrackTags, audio: Any) -> None:
    info = audio.info
    length = float(getattr(info, "length", 0.0) or 0.0)
    tags.duration = length if math.isfinite(length) and length > 0 else 0.0
    bitrate = int(getattr(info, "bitrate", 0) or 0)
    if bitrate <= 0 and tags.duration > 0:
        # Vorbis nominal bitrate is often 0 and WavPack has none: estimate from the file size.
        bitrate = int(tags.size * 8 / tags.duration)
    tags.bit_rate = round(bitrate / 1000) if bitrate > 0 else None
    sample_rate = int(getattr(info, "sample_rate", 0) or 0)
    if isinstance(audio, OggOpus):
        sample_rate = OPUS_SAMPLE_RATE
    tags.sample_rate = sample_rate or None
    tags.channels = int(getattr(info, "channels", 0) or 0) or None
    bits = int(getattr(info, "bits_per_sample", 0) or 0)
    # mutagen reports the decoder's sample size for AAC too; only ALAC has a real bit depth there.
    if isinstance(audio, MP4) and not str(getattr(info, "codec", "")).startswith("alac"):
        bits = 0
    tags.bit_depth = bits or None
