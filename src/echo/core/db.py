"""Database engine, sessions and column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

from echo.core.errors import ServiceUnavailable
from echo.core.sqlite_driver import aiosqlite_driver

log = logging.getLogger(__name__)

# Stable constraint names so Alembic migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes; SQLite stores them naive, so the zone is restored on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


def upsert(session: AsyncSession, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT taking ON CONFLICT DO UPDATE / DO NOTHING (atomic on both databases),
    in the session's SQL dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


SQLITE_HEAP_BYTES = 32 * 1024 * 1024


def _sqlite_pragmas(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: index pages stay in memory during scans
    # ...but 64 MiB per pooled connection would be 640 MiB under load (RSS past 500 MB on a
    # 100,000-track library): the pages of all connections together share one budget, which
    # SQLite keeps by recycling cached pages (the limit is per process; the OS caches the file).
    cursor.execute(f"PRAGMA soft_heap_limit={SQLITE_HEAP_BYTES}")
    cursor.execute("PRAGMA temp_store=MEMORY")
    # Checkpoint the WAL every 40 MB instead of every 4: a scan's commits otherwise copied the
    # same index pages into the database (and synced it) again and again, a fifth of its SQLite
    # time. The WAL file left behind is cut back to 64 MB.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA journal_size_limit=67108864")
    cursor.close()
    # PostgreSQL's md5(), so both databases compute one order (the seeded track shuffle).
    dbapi_connection.create_function("md5", 1, _md5, deterministic=True)


def _md5(text: str | None) -> str | None:
    return None if text is None else hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _connect_or_unavailable(
    dialect: Dialect, _record: ConnectionPoolEntry, cargs: Any, cparams: Any
) -> Any:
    """A database that cannot be reached (down, dropped, refused) is a 503, not a 500."""
    try:
        return dialect.connect(*cargs, **cparams)
    except Exception as error:
        log.warning("Database unreachable: %s", error)
        raise ServiceUnavailable("Database unavailable") from error


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        driver = {"module": aiosqlite_driver()} if url.startswith("sqlite+aiosqlite") else {}
        engine = create_async_engine(url, pool_size=5, max_overflow=5, **driver)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        engine = create_async_engine(
            url,
            pool_size=10,
            max_overflow=10,
            pool_pre_ping=True,
            connect_args={"server_settings": {"statement_timeout": "60000"}, "timeout": 10},
        )
    event.listen(engine.sync_engine, "do_connect", _connect_or_unavailable)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
