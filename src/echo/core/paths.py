"""Resolving user-supplied paths safely: symlinks resolved, then checked against allowed roots."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from echo.core.errors import Forbidden, InvalidInput

AUDIO_EXTENSIONS = frozenset(
    {
        ".mp3", ".flac", ".m4a", ".aac", ".alac", ".ogg", ".oga", ".opus", ".wav", ".aiff",
        ".aif", ".wma", ".ape", ".wv", ".dsf", ".dff", ".mpc",
    }
)  # fmt: skip


def is_within(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def resolve_within(raw: str | Path, roots: Iterable[Path]) -> Path:
    """The real path of `raw`, or Forbidden when it (or a symlink in it) leads outside `roots`."""
    text = str(raw)
    if "\x00" in text:
        raise InvalidInput("Path contains a NUL byte")
    path = Path(text)
    # Relative paths (and "~") would depend on the server's working directory or home.
    if not path.is_absolute():
        raise InvalidInput("Path must be absolute")
    real_roots = [Path(root).resolve() for root in roots]
    try:
        resolved = path.resolve()
    except RuntimeError as error:  # Python < 3.13 raises it for a symlink loop
        raise InvalidInput("Path contains a symlink loop") from error
    if not is_within(resolved, real_roots):
        raise Forbidden("Path is outside the allowed folders")
    return resolved


def count_audio_files(folder: Path, max_depth: int = 5, limit: int = 100_000) -> int:
    """Audio files below `folder`, not following symlinked folders, stopping at `limit`."""
    count = 0
    pending = [(str(folder), 0)]
    while pending and count < limit:
        current, depth = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if depth < max_depth:
                                pending.append((entry.path, depth + 1))
                        elif os.path.splitext(entry.name)[1].lower() in AUDIO_EXTENSIONS:
                            count += 1
                    except OSError:
                        continue
        except OSError:
            continue
    return min(count, limit)
