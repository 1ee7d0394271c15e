"""Phase 7: album covers. Folder images win over embedded pictures; each image is stored once by
content hash, with resized WebP and JPEG variants made in the process pool."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Pillow and the tag reader (mutagen) are imported where covers are extracted, in the scan
# pool's processes: the server imports this module only for the cover paths and sizes.

COVER_NAMES = ("cover", "folder", "front", "album")
COVER_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
VARIANT_SIZES = (200, 300, 500)
MAX_PIXELS = 50_000_000
# Tracks of an album whose embedded picture is tried.
MAX_COVER_PICTURES = 3


@dataclass(frozen=True, slots=True)
class CoverRequest:
    album_id: str
    folders: tuple[str, ...]
    tracks_with_pictures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CoverResult:
    album_id: str
    cover_hash: str | None
    source: str | None  # "folder" | "embedded"
    error: str | None = None


def find_folder_image(folder: str) -> str | None:
    """cover/folder/front/album in any case, preferring that order of names."""
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    by_stem: dict[str, str] = {}
    for name in names:
        stem, extension = os.path.splitext(name)
        if extension.lower() in COVER_EXTENSIONS and stem.lower() in COVER_NAMES:
            by_stem.setdefault(stem.lower(), name)
    for wanted in COVER_NAMES:
        if wanted in by_stem:
            return os.path.join(folder, by_stem[wanted])
    return None


def cover_path(covers_dir: Path, cover_hash: str, size: int | None = None, fmt: str = "") -> Path:
    """Where a cover (or one of its resized variants) lives under DATA_DIR/covers."""
    folder = covers_dir / cover_hash[:2]
    if size is None:
        return folder / f"{cover_hash}.{fmt or 'jpg'}"
    return folder / f"{cover_hash}-{size}.{fmt}"


def _store(covers_dir: Path, data: bytes) -> str:
    """Writes the original and its variants unless this hash is already stored."""
    from PIL import Image

    cover_hash = hashlib.sha256(data).hexdigest()[:40]
    with Image.open(io.BytesIO(data)) as image:
        if image.width * image.height > MAX_PIXELS:
            raise ValueError("image too large")
        fmt = "png" if image.format == "PNG" else "webp" if image.format == "WEBP" else "jpg"
        original = cover_path(covers_dir, cover_hash, fmt=fmt)
        if original.exists():
            return cover_hash
        original.parent.mkdir(parents=True, exist_ok=True)
        rgb = image.convert("RGB")
        for size in VARIANT_SIZES:
            variant = rgb.copy()
            variant.thumbnail((size, size), Image.Resampling.LANCZOS)
            variant.save(cover_path(covers_dir, cover_hash, size, "webp"), "WEBP", quality=82)
            variant.save(cover_path(covers_dir, cover_hash, size, "jpg"), "JPEG", quality=85)
    temporary = original.with_suffix(".tmp")
    temporary.write_bytes(data)
    temporary.replace(original)  # last, so an existing original means a complete set
    return cover_hash


def extract_covers(requests: Sequence[CoverRequest], covers_dir: str) -> list[CoverResult]:
    """Runs in a pool process."""
    results = []
    for request in requests:
        try:
            results.append(_extract(request, Path(covers_dir)))
        except Exception as error:  # a broken image must not stop the other albums
            results.append(
                CoverResult(request.album_id, None, None, f"{type(error).__name__}: {error}")
            )
    return results


def _extract(request: CoverRequest, covers_dir: Path) -> CoverResult:
    from echo.features.scanner.tags import TagError, embedded_picture

    for folder in request.folders:
        image = find_folder_image(folder)
        if image is not None:
            cover_hash = _store(covers_dir, Path(image).read_bytes())
            return CoverResult(request.album_id, cover_hash, "folder")
    for track in request.tracks_with_pictures:
        try:
            picture = embedded_picture(track)
        except TagError:
            continue
        if picture:
            return CoverResult(request.album_id, _store(covers_dir, picture), "embedded")
    return CoverResult(request.album_id, None, None)
