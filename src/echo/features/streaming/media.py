"""Pure helpers for serving media: MIME types, byte ranges, safe download and archive names."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

MIME_TYPES = {
    "mp3": "audio/mpeg",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "m4b": "audio/mp4",
    "mp4": "audio/mp4",
    "aac": "audio/aac",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/opus",
    "wav": "audio/wav",
    "wma": "audio/x-ms-wma",
    "ape": "audio/ape",
    "aiff": "audio/aiff",
    "aif": "audio/aiff",
    "alac": "audio/alac",
    "wv": "audio/x-wavpack",
    "dsf": "audio/x-dsf",
    "dff": "audio/x-dff",
    "mpc": "audio/x-musepack",
}
# What current Chromium, Firefox and Safari all play natively; the rest is transcoded unless
# the client asks for the original.
BROWSER_PLAYABLE = frozenset({"mp3", "flac", "m4a", "mp4", "aac", "ogg", "oga", "opus", "wav"})


def mime_type(suffix: str) -> str:
    return MIME_TYPES.get(suffix.lower().lstrip("."), "application/octet-stream")


def browser_can_play(suffix: str, bit_depth: int | None) -> bool:
    suffix = suffix.lower().lstrip(".")
    # An .m4a with a bit depth is ALAC, which Chromium and Firefox do not decode.
    if suffix in ("m4a", "mp4") and bit_depth:
        return False
    return suffix in BROWSER_PLAYABLE


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


class RangeNotSatisfiable(Exception):
    pass


_RANGE = re.compile(r"^\s*(\d*)\s*-\s*(\d*)\s*$")


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The one byte range asked for, None for the whole file, or RangeNotSatisfiable.

    Headers in another unit, with several ranges, or unparsable are ignored (RFC 9110 allows
    answering any Range request with the whole representation)."""
    if not header:
        return None
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    match = _RANGE.match(spec)
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":  # suffix range: the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise RangeNotSatisfiable
        return ByteRange(max(0, size - count), size - 1)
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable
    return ByteRange(start, min(end, size - 1))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def safe_name(name: str, limit: int = 120) -> str:
    """A file or folder name that is valid on Windows, macOS and Linux and cannot climb out of
    its folder in an archive."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    if len(cleaned) > limit:
        cleaned = cleaned[:limit].rstrip(" .")
    return cleaned or "_"


def content_disposition(filename: str) -> str:
    """attachment with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)."""
    ascii_name = (
        unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode().strip()
        or "download"
    )
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
