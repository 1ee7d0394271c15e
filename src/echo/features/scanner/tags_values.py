"""Parsers for tag values as written in the wild: numbers, dates, gains, genres, LRC lyrics."""

from __future__ import annotations

import math
import re

from mutagen.id3 import TCON

# Opus R128 gains are relative to -23 LUFS, ReplayGain 2 to -18 LUFS.
R128_TO_REPLAYGAIN_DB = 5.0
# Track, disc and year values are stored in 32-bit columns.
MAX_NUMBER = 2**31 - 1

_LEADING_INT = re.compile(r"\s*(\d+)")
_FLOAT = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_YEAR = re.compile(r"\s*(\d{4})")
_ID3_GENRE_REF = re.compile(r"\((\d+|RX|CR)\)")
_ID3_GENRE_WORDS = {"RX": "Remix", "CR": "Cover"}
_ID_SEPARATORS = re.compile(r"[/;,]")
_LRC_STAMP = re.compile(r"\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
_LRC_OFFSET = re.compile(r"^\s*\[offset:\s*([+-]?\d+)\s*\]", re.IGNORECASE | re.MULTILINE)
_LRC_WORD_STAMP = re.compile(r"<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>")


def first(values: dict[str, list[str]], name: str) -> str | None:
    found = values.get(name)
    return found[0] if found else None


def display(values: list[str] | None) -> str | None:
    """Several values of a one-name tag shown as one string.

    Joined with "; ", a default separator, so the string splits back into the same names.
    """
    return "; ".join(values) if values else None


def number(text: str | None) -> int | None:
    """The leading integer of "03", "3 of 12"; None for 0, which taggers write for "unknown"."""
    match = _LEADING_INT.match(text) if text else None
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value <= MAX_NUMBER else None


def number_pair(text: str | None) -> tuple[int | None, int | None]:
    """ "3/12" -> (3, 12), "3" -> (3, None)."""
    if not text:
        return None, None
    value, _, total = text.partition("/")
    return number(value), number(total)


def parse_float(text: str | None) -> float | None:
    """The first number in "-6.54 dB", "0,98" or "120"."""
    match = _FLOAT.search(text) if text else None
    if match is None:
        return None
    value = float(match.group().replace(",", "."))
    return value if math.isfinite(value) else None


def r128_to_replaygain(text: str | None) -> float | None:
    """An Opus R128 gain (Q7.8 fixed point, relative to -23 LUFS) as ReplayGain dB."""
    try:
        return int((text or "").strip()) / 256 + R128_TO_REPLAYGAIN_DB
    except ValueError:
        return None


def year_of(date: str | None) -> int | None:
    match = _YEAR.match(date) if date else None
    value = int(match.group(1)) if match else 0
    return value or None


def truthy(text: str | None) -> bool:
    return text is not None and text.strip().lower() in ("1", "true", "yes")


def identifiers(values: list[str]) -> list[str]:
    """MusicBrainz ids, also when ID3v2.3 taggers joined several with "/" or ";"."""
    ids: list[str] = []
    for value in values:
        for part in _ID_SEPARATORS.split(value):
            cleaned = part.strip()
            if cleaned and cleaned not in ids:
                ids.append(cleaned)
    return ids


def genre_names(value: str) -> list[str]:
    """ID3 numeric genres resolved: "17", "(17)", "(17)(18)", "(17)Rock" and "(RX)"."""
    text = value.strip()
    if text.isdigit():
        return [_genre_by_number(text) or text]
    names: list[str] = []
    position = 0
    while match := _ID3_GENRE_REF.match(text, position):
        name = _ID3_GENRE_WORDS.get(match.group(1)) or _genre_by_number(match.group(1))
        if name:
            names.append(name)
        position = match.end()
    rest = text[position:]
    if rest.startswith("(("):  # ID3 escapes a literal "(" at the start as "(("
        rest = rest[1:]
    if rest.strip():
        names.append(rest.strip())
    return names


def _genre_by_number(digits: str) -> str | None:
    genres: list[str] = TCON.GENRES
    index = int(digits)
    return genres[index] if index < len(genres) else None


def parse_lrc(text: str) -> list[tuple[int, str]]:
    """(time in ms, line) for each time stamp of LRC text, in time order; [] if not LRC."""
    offset_match = _LRC_OFFSET.search(text)
    # A positive LRC offset shows the lines earlier.
    offset = int(offset_match.group(1)) if offset_match else 0
    lines: list[tuple[int, str]] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        stamps: list[int] = []
        position = 0
        while match := _LRC_STAMP.match(line, position):
            minutes, seconds, fraction = match.groups()
            milliseconds = int((fraction or "0").ljust(3, "0"))
            stamps.append(int(minutes) * 60_000 + int(seconds) * 1000 + milliseconds)
            position = match.end()
        words = _LRC_WORD_STAMP.sub("", line[position:]).strip()
        lines += [(max(0, stamp - offset), words) for stamp in stamps]
    lines.sort(key=lambda line: line[0])
    return lines
