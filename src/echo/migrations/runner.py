"""Applying migrations from code: `echo-music migrate`, `serve` at start, and the tests."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Blocking; env.py runs its own event loop, so this must not be called from a running loop."""
    command.upgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    """For callers inside an event loop: env.py's asyncio.run gets a thread of its own."""
    await asyncio.to_thread(upgrade, database_url, revision)
