"""Phase 1: find the audio files under the library folders, with their size and mtime."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from echo.core.paths import AUDIO_EXTENSIONS

# Folders NAS systems and operating systems fill with thumbnails and trash, never music.
SYSTEM_FOLDERS = frozenset(
    {
        "@eadir", "#recycle", "#snapshot", "$recycle.bin", "system volume information",
        "lost+found", ".trash", ".trashes", "node_modules", "@recycle",
    }
)  # fmt: skip
MAX_DEPTH = 40


class FileEntry(NamedTuple):
    """A tuple: every file crosses to a pool process and back, and tuples pickle cheapest."""

    path: str
    size: int
    mtime_ns: int


def walk(roots: Iterable[str]) -> Iterator[FileEntry]:
    """Every audio file once; symlinked folders are followed unless they loop back."""
    visited: set[tuple[int, int]] = set()
    for root in roots:
        try:
            stat = os.stat(root)
        except OSError:
            continue
        yield from _walk_folder(root, (stat.st_dev, stat.st_ino), visited, 0)


def _walk_folder(
    folder: str, identity: tuple[int, int], visited: set[tuple[int, int]], depth: int
) -> Iterator[FileEntry]:
    if identity in visited or depth > MAX_DEPTH:
        return
    visited.add(identity)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    subfolders: list[tuple[str, tuple[int, int]]] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            if entry.is_dir():  # follows symlinks; loops are caught by `visited`
                if name.lower() not in SYSTEM_FOLDERS:
                    stat = entry.stat()
                    subfolders.append((entry.path, (stat.st_dev, stat.st_ino)))
            elif os.path.splitext(name)[1].lower() in AUDIO_EXTENSIONS:
                stat = entry.stat()
                yield FileEntry(entry.path, stat.st_size, stat.st_mtime_ns)
        except OSError:  # vanished meanwhile, broken symlink, permission denied
            continue
    for path, sub_identity in sorted(subfolders):
        yield from _walk_folder(path, sub_identity, visited, depth + 1)


def collect(paths: Iterable[str]) -> list[FileEntry]:
    """Audio files of a scan's scope: folders are walked, files taken as they are."""
    folders: list[str] = []
    files: list[FileEntry] = []
    for path in paths:
        if os.path.isdir(path):
            folders.append(path)
        elif os.path.splitext(path)[1].lower() in AUDIO_EXTENSIONS:
            try:
                stat = os.stat(path)
            except OSError:
                continue  # gone: the caller notices by its absence
            if os.path.isfile(path):
                files.append(FileEntry(path, stat.st_size, stat.st_mtime_ns))
    # A file can be in scope twice, by itself and by its folder (the watcher reports both
    # when a file moves into a new folder): each path is read and stored once.
    unique = {entry.path: entry for entry in [*walk(folders), *files]}
    return list(unique.values())
