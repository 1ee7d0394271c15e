"""Recognising uploaded images by their content, not by what the client claims."""

from __future__ import annotations

import io
from collections.abc import Callable

from echo.core.errors import UnsupportedMedia


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


# (magic-byte test, MIME type, file extension, Pillow format)
_SIGNATURES: tuple[tuple[Callable[[bytes], bool], str, str, str], ...] = (
    (_is_jpeg, "image/jpeg", "jpg", "JPEG"),
    (_is_png, "image/png", "png", "PNG"),
    (_is_webp, "image/webp", "webp", "WEBP"),
)

MAX_PIXELS = 40_000_000  # refuse decompression bombs long before they reach memory


def detect_image(data: bytes) -> tuple[str, str]:
    """(MIME type, extension) of a JPEG, PNG or WebP image that Pillow can decode fully."""
    # Imported on the first upload: an idle server does not need Pillow in its memory.
    from PIL import Image

    head = data[:16]
    found = next((kind for kind in _SIGNATURES if kind[0](head)), None)
    if found is None:
        raise UnsupportedMedia("Only JPEG, PNG and WebP images are accepted")
    _, mime, extension, pillow_format = found
    try:
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UnsupportedMedia("Image is too large")
            image.load()
    except UnsupportedMedia:
        raise
    except Exception as error:  # Pillow raises many types for broken files
        raise UnsupportedMedia("The image is damaged or not a real image") from error
    return mime, extension
