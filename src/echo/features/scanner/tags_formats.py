"""Per-format tag extraction: mutagen's native tags flattened to one field vocabulary."""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass, field
from typing import Any

from mutagen._vorbis import VCommentDict  # the base of the FLAC, Ogg Vorbis and Opus tags
from mutagen.apev2 import APEv2
from mutagen.asf import ASFTags
from mutagen.flac import Picture
from mutagen.id3 import ID3
from mutagen.mp4 import MP4Tags

FRONT_COVER = 3
MP4_FREEFORM = "----:com.apple.iTunes:"
MUSICBRAINZ_ID3_OWNER = "http://musicbrainz.org"


@dataclass(slots=True)
class RawTags:
    """Values by field name (see `_ALIASES`), in tag order, not yet parsed."""

    values: dict[str, list[str]] = field(default_factory=dict)
    synced_lyrics: list[tuple[int, str]] = field(default_factory=list)
    has_picture: bool = False

    def put(self, name: str, values: list[str]) -> None:
        # The first source of a field wins: a native frame beats a TXXX/freeform duplicate.
        cleaned = [value.strip() for value in values if value and value.strip()]
        if cleaned and name not in self.values:
            self.values[name] = cleaned


def _musicbrainz(words: str, name: str) -> dict[str, str]:
    # Picard spells the same key three ways: Vorbis/APE, ID3 TXXX and MP4 freeform, ASF.
    upper = words.upper()
    return {
        "MUSICBRAINZ_" + upper.replace(" ", ""): name,
        "MUSICBRAINZ " + upper: name,
        "MUSICBRAINZ/" + upper: name,
    }


# Free-form key (upper-cased Vorbis/APE key, TXXX description, MP4 freeform name, ASF name).
_ALIASES: dict[str, str] = {
    "TITLE": "title",
    "ARTIST": "artist", "AUTHOR": "artist",
    "ARTISTS": "artists", "WM/ARTISTS": "artists",
    "ALBUMARTIST": "albumartist", "ALBUM ARTIST": "albumartist", "ALBUM_ARTIST": "albumartist",
    "WM/ALBUMARTIST": "albumartist",
    "ALBUMARTISTS": "albumartists", "ALBUM_ARTISTS": "albumartists",
    "WM/ALBUMARTISTS": "albumartists",
    "ALBUM": "album", "WM/ALBUMTITLE": "album",
    "TRACKNUMBER": "track", "TRACK": "track", "WM/TRACKNUMBER": "track",
    "TRACKTOTAL": "tracktotal", "TOTALTRACKS": "tracktotal",
    "DISCNUMBER": "disc", "DISC": "disc", "WM/PARTOFSET": "disc",
    "DISCTOTAL": "disctotal", "TOTALDISCS": "disctotal",
    "DISCSUBTITLE": "discsubtitle", "SETSUBTITLE": "discsubtitle", "WM/SETSUBTITLE": "discsubtitle",
    "DATE": "date", "YEAR": "date", "WM/YEAR": "date",
    "ORIGINALDATE": "originaldate", "WM/ORIGINALRELEASETIME": "originaldate",
    "ORIGINALYEAR": "originalyear", "WM/ORIGINALRELEASEYEAR": "originalyear",
    "GENRE": "genre", "WM/GENRE": "genre",
    "COMPILATION": "compilation", "WM/ISCOMPILATION": "compilation",
    "COMMENT": "comment", "DESCRIPTION": "comment",
    "LYRICS": "lyrics", "UNSYNCEDLYRICS": "lyrics", "UNSYNCED LYRICS": "lyrics",
    "WM/LYRICS": "lyrics",
    **_musicbrainz("track id", "mbz_track"),
    **_musicbrainz("release track id", "mbz_release_track"),
    **_musicbrainz("album id", "mbz_album"),
    **_musicbrainz("artist id", "mbz_artist"),
    **_musicbrainz("album artist id", "mbz_album_artist"),
    **_musicbrainz("release group id", "mbz_release_group"),
    "REPLAYGAIN_TRACK_GAIN": "rg_track_gain", "REPLAYGAIN_TRACK_PEAK": "rg_track_peak",
    "REPLAYGAIN_ALBUM_GAIN": "rg_album_gain", "REPLAYGAIN_ALBUM_PEAK": "rg_album_peak",
    "R128_TRACK_GAIN": "r128_track_gain", "R128_ALBUM_GAIN": "r128_album_gain",
    "BPM": "bpm", "WM/BEATSPERMINUTE": "bpm",
    "INITIALKEY": "key", "KEY": "key", "WM/INITIALKEY": "key",
    "TITLESORT": "titlesort", "WM/TITLESORTORDER": "titlesort",
    "ARTISTSORT": "artistsort", "WM/ARTISTSORTORDER": "artistsort",
    "ALBUMSORT": "albumsort", "WM/ALBUMSORTORDER": "albumsort",
    "ALBUMARTISTSORT": "albumartistsort", "WM/ALBUMARTISTSORTORDER": "albumartistsort",
    "CATALOGNUMBER": "catalognumber", "WM/CATALOGNO": "catalognumber",
}  # fmt: skip

_ID3_FRAMES = {
    "TIT2": "title", "TPE1": "artist", "TPE2": "albumartist", "TALB": "album", "TRCK": "track",
    "TPOS": "disc", "TSST": "discsubtitle", "TDRC": "date", "TDOR": "originaldate",
    "TCON": "genre", "TCMP": "compilation", "TBPM": "bpm", "TKEY": "key", "TSOT": "titlesort",
    "TSOP": "artistsort", "TSOA": "albumsort", "TSO2": "albumartistsort",
}  # fmt: skip

_MP4_ATOMS = {
    "©nam": "title", "©ART": "artist", "aART": "albumartist", "©alb": "album", "©day": "date",
    "©gen": "genre", "©cmt": "comment", "©lyr": "lyrics", "sonm": "titlesort",
    "soar": "artistsort", "soal": "albumsort", "soaa": "albumartistsort",
}  # fmt: skip

# ID3 SYLT time stamps in milliseconds (the other unit, MPEG frames, is never written in practice).
_SYLT_MILLISECONDS = 2
_APE_TEXT = 0
_APE_BINARY = 1
# ID3 RVA2 channel type of the overall (master) volume adjustment.
_RVA2_MASTER = 1


def extract(audio: Any) -> RawTags:
    """The tags of a file mutagen opened, whatever its tag format."""
    tags = audio.tags
    raw = RawTags()
    if isinstance(tags, ID3):
        _from_id3(tags, raw)
    elif isinstance(tags, VCommentDict):
        # Iterating a Vorbis comment gives (key, value) pairs in file order, repeats included.
        pairs = [(str(key), str(value)) for key, value in tags]
        _from_pairs(pairs, raw)
        raw.has_picture = bool(getattr(audio, "pictures", None)) or any(
            key.upper() in ("METADATA_BLOCK_PICTURE", "COVERART") for key, _ in pairs
        )
    elif isinstance(tags, MP4Tags):
        _from_mp4(tags, raw)
    elif isinstance(tags, ASFTags):
        _from_asf(tags, raw)
    elif isinstance(tags, APEv2):
        _from_ape(tags, raw)
    elif tags is None:
        # FLAC keeps pictures outside its Vorbis comment, so a tag-less FLAC can still have one.
        raw.has_picture = bool(getattr(audio, "pictures", None))
    return raw


def pictures(audio: Any) -> list[tuple[int, bytes]]:
    """Every embedded picture of an opened file as (ID3 picture type, image bytes)."""
    tags = audio.tags
    found: list[tuple[int, bytes]] = [
        (int(picture.type), bytes(picture.data)) for picture in getattr(audio, "pictures", ())
    ]
    if isinstance(tags, ID3):
        found += _id3_pictures(audio.tags)
    elif isinstance(tags, VCommentDict):
        found += _vorbis_pictures(audio.tags)
    elif isinstance(tags, MP4Tags):
        # MP4 has no picture type; iTunes puts the front cover first.
        found += [(FRONT_COVER, bytes(cover)) for cover in _mp4_covers(audio.tags)]
    elif isinstance(tags, ASFTags):
        found += _asf_pictures(audio.tags)
    elif isinstance(tags, APEv2):
        found += _ape_pictures(audio.tags)
    return found


def _id3_pictures(tags: Any) -> list[tuple[int, bytes]]:
    return [(int(frame.type), bytes(frame.data)) for frame in tags.getall("APIC")]


def _vorbis_pictures(tags: Any) -> list[tuple[int, bytes]]:
    found: list[tuple[int, bytes]] = []
    for key, value in tags:
        if str(key).upper() == "METADATA_BLOCK_PICTURE":
            decoded = _flac_picture(str(value))
            if decoded is not None:
                found.append(decoded)
        elif str(key).upper() == "COVERART":  # the pre-2010 way: bare base64 image bytes
            data = _base64(str(value))
            if data:
                found.append((FRONT_COVER, data))
    return found


def _mp4_covers(tags: Any) -> list[bytes]:
    return [bytes(cover) for cover in tags.get("covr", ())]


def _asf_pictures(tags: Any) -> list[tuple[int, bytes]]:
    found: list[tuple[int, bytes]] = []
    for value in tags.get("WM/Picture", ()):
        decoded = _asf_picture(bytes(value.value))
        if decoded is not None:
            found.append(decoded)
    return found


def _ape_pictures(tags: Any) -> list[tuple[int, bytes]]:
    found: list[tuple[int, bytes]] = []
    for key, value in tags.items():
        if str(key).lower().startswith("cover art") and value.kind == _APE_BINARY:
            # APE binary items hold "<file name>\0<image bytes>".
            _, _, data = bytes(value.value).partition(b"\x00")
            if data:
                front = "(front)" in str(key).lower()
                found.append((FRONT_COVER if front else 0, data))
    return found


def _from_pairs(pairs: Any, raw: RawTags) -> None:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key.upper(), []).append(value)
    for key, values in grouped.items():
        name = _ALIASES.get(key)
        if name is not None:
            raw.put(name, values)


def _from_id3(tags: Any, raw: RawTags) -> None:
    for frame_id, name in _ID3_FRAMES.items():
        frame = tags.get(frame_id)
        if frame is not None:
            raw.put(name, [str(text) for text in frame.text])
    ufids = [frame for frame in tags.getall("UFID") if frame.owner == MUSICBRAINZ_ID3_OWNER]
    if ufids:
        raw.put("mbz_track", [bytes(ufids[0].data).decode("ascii", "replace")])
    _from_pairs(
        ((str(frame.desc), str(text)) for frame in tags.getall("TXXX") for text in frame.text),
        raw,
    )
    # iTunes hides its own data (iTunNORM, iTunSMPB) in COMM frames; they are not comments.
    comments = [c for c in tags.getall("COMM") if not str(c.desc).startswith("iTun")]
    comments.sort(key=lambda frame: frame.desc != "")
    for frame in comments:
        raw.put("comment", [str(text) for text in frame.text])
    for frame in tags.getall("USLT"):
        raw.put("lyrics", [str(frame.text)])
    for frame in tags.getall("SYLT"):
        if frame.format == _SYLT_MILLISECONDS and not raw.synced_lyrics:
            raw.synced_lyrics = [(int(time), str(text).strip()) for text, time in frame.text]
    for frame in tags.getall("RVA2"):
        kind = str(frame.desc).lower()
        if frame.channel == _RVA2_MASTER and kind in ("track", "album"):
            raw.put(f"rg_{kind}_gain", [str(frame.gain)])
            raw.put(f"rg_{kind}_peak", [str(frame.peak)])
    raw.has_picture = bool(tags.getall("APIC"))


def _from_mp4(tags: Any, raw: RawTags) -> None:
    for atom, name in _MP4_ATOMS.items():
        if atom in tags:
            raw.put(name, [str(value) for value in tags[atom]])
    for atom, name in (("trkn", "track"), ("disk", "disc")):
        pairs = tags.get(atom)
        if pairs:
            number, total = pairs[0]
            raw.put(name, [str(number)] if number else [])
            raw.put(f"{name}total", [str(total)] if total else [])
    if "cpil" in tags:
        raw.put("compilation", ["1" if tags["cpil"] else "0"])
    if tags.get("tmpo"):
        raw.put("bpm", [str(tags["tmpo"][0])])
    freeform: list[tuple[str, str]] = []
    for key, values in tags.items():
        if key.startswith(MP4_FREEFORM):
            name = key[len(MP4_FREEFORM) :]
            freeform += [(name, _freeform_text(value)) for value in values]
    _from_pairs(freeform, raw)
    raw.has_picture = bool(tags.get("covr"))


def _freeform_text(value: Any) -> str:
    utf16 = getattr(value, "dataformat", 1) == 2
    return bytes(value).decode("utf-16-be" if utf16 else "utf-8", "replace")


def _from_asf(tags: Any, raw: RawTags) -> None:
    pairs: list[tuple[str, str]] = []
    for key, values in tags.items():
        if key == "WM/Picture":
            raw.has_picture = raw.has_picture or bool(values)
            continue
        pairs += [(str(key), str(value)) for value in values if not isinstance(value.value, bytes)]
    _from_pairs(pairs, raw)


def _from_ape(tags: Any, raw: RawTags) -> None:
    pairs: list[tuple[str, str]] = []
    for key, value in tags.items():
        if value.kind == _APE_TEXT:  # the others are binary (pictures) and external links
            pairs += [(str(key), str(text)) for text in value]
        elif str(key).lower().startswith("cover art"):
            raw.has_picture = True
    _from_pairs(pairs, raw)


def _base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        return None


def _flac_picture(text: str) -> tuple[int, bytes] | None:
    data = _base64(text)
    if not data:
        return None
    try:
        picture = Picture(data)  # type: ignore[no-untyped-call]
    except Exception:  # mutagen raises struct and value errors alike for a damaged block
        return None
    return int(picture.type), bytes(picture.data)


def _asf_picture(blob: bytes) -> tuple[int, bytes] | None:
    # WM/Picture: type (1 byte), size (uint32 LE), MIME and description (UTF-16LE, NUL-ended).
    if len(blob) < 9:
        return None
    kind, size = struct.unpack_from("<BI", blob)
    offset = 5
    for _ in range(2):
        end = offset
        while end + 1 < len(blob) and blob[end : end + 2] != b"\x00\x00":
            end += 2
        offset = end + 2
    data = blob[offset : offset + size]
    return (int(kind), data) if data else None
