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
