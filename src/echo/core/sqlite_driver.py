"""SQLAlchemy's aiosqlite driver, with statements that cost one trip to the connection's thread.

aiosqlite runs each SQLite connection in a thread of its own; every call is a trip there and
back (a queue put, a thread wake-up, then a wake-up of the event loop through its self-pipe),
and SQLAlchemy's cursor makes four per statement: cursor(), execute(), fetchall(), close().
The cursor here runs the statement, fetches its rows and closes the sqlite3 cursor in one trip,
which took more than half off the cost of a short read through a session (274 -> 115 µs) and
most of the threads' churn under load. Everything else (connections, transactions, server-side cursors) is SQLAlchemy's.
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_connection
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


class _OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """`_cursor` is the sqlite3 cursor of the last statement, closed: it keeps description,
    rowcount and lastrowid, which is all SQLAlchemy reads of it."""

    __slots__ = ()
    _awaitable_cursor_close = False  # closing the closed sqlite3 cursor again is a no-op

    def __init__(self, adapt_connection: AsyncAdapt_dbapi_connection) -> None:
        # Not the base constructor: it opens an aiosqlite cursor, a trip of its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection: sqlite3.Connection = self._connection._conn

        def run() -> tuple[sqlite3.Cursor, list[Any] | None]:
            cursor = connection.cursor()
            try:
                cursor.execute(operation, () if parameters is None else parameters)
                return cursor, cursor.fetchall() if cursor.description else None
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            self._cursor, rows = await self._connection._execute(run)
        if rows is not None:
            self._rows = collections.deque(rows)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection: sqlite3.Connection = self._connection._conn

        def run() -> sqlite3.Cursor:
            cursor = connection.cursor()
            try:
                cursor.executemany(operation, seq_of_parameters)
                return cursor
            finally:
                cursor.close()

        async with self._adapt_connection._execute_mutex:
            self._cursor = await self._connection._execute(run)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _OneTripCursor


class _Driver(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *args: Any, **kwargs: Any) -> _Connection:
        adapted = super().connect(*args, **kwargs)
        return _Connection(self, adapted._connection)


def aiosqlite_driver() -> _Driver:
    """For `create_async_engine(..., module=...)` with a `sqlite+aiosqlite` URL."""
    return _Driver(aiosqlite, sqlite3)
