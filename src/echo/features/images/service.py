"""Album covers from the scanner's store (original or a resized variant), else a placeholder."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path

from echo.bootstrap import Services
from echo.core.errors import NotFound
from echo.features.images import repository
from echo.features.images.placeholder import VERSION, ensure_placeholder
from echo.features.scanner.covers import VARIANT_SIZES, cover_path

# The web client's names for the sizes, as in the original API.
SIZE_NAMES = {"thumb": 200, "small": 300, "medium": 500}
ORIGINAL_FORMATS = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
COVER_CACHE_SECONDS = 3600
PLACEHOLDER_SIZE = 500


@dataclass(frozen=True, slots=True)
class ImageFile:
    path: Path
    mime: str
    etag: str  # strong: the content hash, plus the size and format of a variant
    placeholder: bool = False


def pixel_size(size: str | None) -> int | None:
    """200, 300 or 500 for a size name or number; None for the original."""
    if size is None:
        return None
    return SIZE_NAMES.get(size) or int(size)


def accepts_webp(accept: str | None) -> bool:
    for part in (accept or "").split(","):
        media_type, *parameters = (piece.strip() for piece in part.split(";"))
        if media_type.lower() == "image/webp":
            return not any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00") for p in parameters)
    return False


def original_cover(covers_dir: Path, cover_hash: str) -> Path | None:
    """The stored original of a cover (kept in the format it was found in)."""
    for fmt in ORIGINAL_FORMATS:
        original = cover_path(covers_dir, cover_hash, fmt=fmt)
        if original.is_file():
            return original
    return None


def _stored(covers_dir: Path, cover_hash: str, size: int | None, webp: bool) -> ImageFile | None:
    if size in VARIANT_SIZES:
        fmt = "webp" if webp else "jpg"
        variant = cover_path(covers_dir, cover_hash, size, fmt)
        if variant.is_file():
            mime = ORIGINAL_FORMATS[fmt]
            return ImageFile(variant, mime, f'"{cover_hash}-{size}.{fmt}"')
    original = original_cover(covers_dir, cover_hash)
    if original is None:
        return None
    return ImageFile(original, ORIGINAL_FORMATS[original.suffix[1:]], f'"{cover_hash}"')


async def _cover_hash(services: Services, album_id: uuid.UUID, version: str | None) -> str | None:
    """Cached for the hour of an album entity; a version the cached hash does not start with
    means the cover changed since, so the database is asked again."""
    key = f"album:cover:{album_id}"
    cached = await services.cache.get(key)
    if cached is not None and (version is None or (cached["hash"] or "").startswith(version)):
        value: str | None = cached["hash"]
        return value
    async with services.sessions() as session:
        exists, cover_hash = await repository.album_cover_hash(session, album_id)
    if not exists:
        raise NotFound("Album not found")
    await services.cache.set(key, {"hash": cover_hash}, COVER_CACHE_SECONDS)
    return cover_hash


async def album_cover(
    services: Services,
    album_id: uuid.UUID,
    size: int | None = None,
    webp: bool = False,
    version: str | None = None,
) -> ImageFile:
    """The cover at `size` pixels (None: the original), or the placeholder when there is none."""
    cover_hash = await _cover_hash(services, album_id, version)
    if cover_hash is not None:
        covers_dir = services.settings.data_dir / "covers"
        found = await asyncio.to_thread(_stored, covers_dir, cover_hash, size, webp)
        if found is not None:
            return found
    pixels = size or PLACEHOLDER_SIZE
    path = await asyncio.to_thread(ensure_placeholder, services.settings.data_dir, pixels)
    return ImageFile(path, "image/png", f'"placeholder-v{VERSION}-{pixels}"', placeholder=True)


async def album_cover_original(services: Services, album_id: uuid.UUID) -> ImageFile:
    """The original cover; NotFound when the album has none (no placeholder here)."""
    image = await album_cover(services, album_id)
    if image.placeholder:
        raise NotFound("This album has no cover")
    return image
