"""The image shown for an album without a cover: drawn once with Pillow, then kept on disk."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

# Pillow is imported when a placeholder is first drawn, not with the server's modules.
if TYPE_CHECKING:
    from PIL import Image

# Bump when the drawing changes, so clients revalidating with the old ETag get the new image.
VERSION = 1
BACKGROUND = (38, 38, 46)
DISC = (22, 22, 28)
GROOVE = (58, 58, 70)
LABEL = (124, 92, 255)


def placeholder_path(data_dir: Path, size: int) -> Path:
    return data_dir / "covers" / "placeholder" / f"album-v{VERSION}-{size}.png"


def _draw(size: int) -> Image.Image:
    from PIL import Image, ImageDraw

    # Drawn four times larger and scaled down: Pillow's ellipses have no anti-aliasing.
    big = size * 4
    image = Image.new("RGB", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(image)
    centre = big / 2

    def circle(radius: float, fill: tuple[int, int, int] | None, outline: bool = False) -> None:
        box = (centre - radius, centre - radius, centre + radius, centre + radius)
        if outline:
            draw.ellipse(box, outline=GROOVE, width=max(1, big // 200))
        else:
            draw.ellipse(box, fill=fill)

    circle(big * 0.40, DISC)
    for ratio in (0.36, 0.31, 0.26, 0.21):
        circle(big * ratio, None, outline=True)
    circle(big * 0.13, LABEL)
    circle(big * 0.02, BACKGROUND)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def ensure_placeholder(data_dir: Path, size: int) -> Path:
    """The placeholder PNG at `size` pixels, drawn on first use. Concurrent first uses each
    write a temporary file and rename it, so a reader never sees half an image."""
    path = placeholder_path(data_dir, size)
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    _draw(size).save(temporary, "PNG", optimize=True)
    temporary.replace(path)
    return path
