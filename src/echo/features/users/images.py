"""Recognising uploaded images by their content, not by what the client claims."""

from __future__ import annotations

import io

from PIL import Image

from echo.core.errors import UnsupportedMedia

# (magic-byte test, MIME type, file extension, Pillow format)
_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image/jpeg", "jpg", "JPEG"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image/png", "png", "PNG"),
    (lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP", "image/webp", "webp", "WEBP"),
)

MAX_PIXELS = 40_000_000  # refuse decompression bombs long before they reach memory


def detect_image(data: bytes) -> tuple[str, str]:
    """(MIME type, extension) of a JPEG, PNG or WebP image that Pillow can decode fully."""
    for matches, mime, extension, pillow_format in _SIGNATURES:
        if matches(data[:16]):
            break
    else:
        raise UnsupportedMedia("Only JPEG, PNG and WebP images are accepted")
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
