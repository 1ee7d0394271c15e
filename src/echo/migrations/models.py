"""Every model module, imported so Base.metadata knows all tables (autogenerate, tests)."""

from __future__ import annotations

import importlib

MODEL_MODULES = (
    "echo.features.users.models",
    "echo.features.auth.models",
    "echo.features.system_settings.models",
    "echo.features.artists.models",
    "echo.features.albums.models",
    "echo.features.tracks.models",
    "echo.features.genres.models",
    "echo.features.scanner.models",
    "echo.features.streaming.models",
    "echo.features.play_tracking.models",
    "echo.features.interactions.models",
    "echo.features.analysis.models",
)


def import_all_models() -> None:
    for module in MODEL_MODULES:
        importlib.import_module(module)


# Tables the migrations create outside the models: SQLite's full-text table for track search
# and the shadow tables FTS5 keeps beside it (tracks_search_data, _idx, _content, ...).
UNMODELLED_TABLE_PREFIX = "tracks_search"


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """For schema comparisons (autogenerate, the migration test): skip the unmodelled tables."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIX))
