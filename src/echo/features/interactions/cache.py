"""Cache of each item's rating figures (`ratings:<type>:<id>`, 1 h), and the invalidation
that follows a rating or a star: the item's figures and every browse key of the item."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from echo.core.cache import Cache
from echo.features.interactions.schemas import RatingFigures

FIGURES_TTL = 60 * 60  # seed: a single entity, 1 h; every rating change drops it


def figures_key(item_type: str, item_id: uuid.UUID) -> str:
    return f"ratings:{item_type}:{item_id}"


async def rating_figures(
    cache: Cache,
    item_type: str,
    item_id: uuid.UUID,
    load: Callable[[], Awaitable[RatingFigures]],
) -> RatingFigures:
    key = figures_key(item_type, item_id)
    cached = await cache.get(key)
    if cached is not None:
        return RatingFigures.model_validate(cached)
    figures = await load()
    await cache.set(key, figures.model_dump(mode="json"), FIGURES_TTL)
    return figures


async def forget_item(cache: Cache, item_type: str, item_id: uuid.UUID) -> None:
    """The browse features cache an item as `<type>:<id>` and its parts under
    `<type>:<id>:…` (e.g. `album:<id>:tracks:…`); all of them go."""
    await cache.delete(figures_key(item_type, item_id))
    await cache.delete_prefix(f"{item_type}:{item_id}")
