"""Migrations produce exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from echo.core.db import Base, create_engine
from echo.migrations.models import include_name


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"include_name": include_name})
    return list(compare_metadata(context, Base.metadata))


async def test_migrated_schema_matches_the_models(
    backend: str, database_urls: dict[str, str]
) -> None:
    engine = create_engine(database_urls[backend])
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
