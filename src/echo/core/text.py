"""Normalised names: the keys artists and albums are matched, sorted and searched by."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LEADING_ARTICLES = ("the ", "a ", "an ", "el ", "la ", "los ", "las ", "un ", "una ")
_PUNCTUATION = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "…": "...",
        "\u00a0": " ",
    }
)  # fmt: skip
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=65_536)  # a scan folds the same artist and album names thousands of times
def fold(text: str) -> str:
    """Lower-case, accents stripped, punctuation unified, spaces collapsed."""
    if text.isascii():  # most names: nothing to normalise, and casefold() is lower()
        return _SPACES.sub(" ", text).strip().lower()
    unified = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION)
    decomposed = unicodedata.normalize("NFKD", unified)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().casefold()


@lru_cache(maxsize=65_536)
def sort_key(name: str) -> str:
    """`fold` without a leading article: "The Beatles" sorts and matches as "beatles"."""
    folded = fold(name)
    for article in LEADING_ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded
