"""Alembic environment: runs migrations on the async engine given in the config attributes."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from echo.core.db import Base, create_engine
from echo.migrations.models import import_all_models, include_name

import_all_models()
target_metadata = Base.metadata
# Any constant shared by all Echo processes; the lock serialises their migrations.
MIGRATION_LOCK_KEY = 0x4563686F  # "Echo"


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Several processes may start at once on one database (scale-out): the first migrates,
        # the others wait here, then find the schema at head. Released at commit.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


url = context.config.get_main_option("sqlalchemy.url")
assert url, "the migration runner sets sqlalchemy.url"
asyncio.run(_run_async(url))
