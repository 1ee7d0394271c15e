"""Accent- and case-insensitive search over folded key columns (`search_key` = fold(name))."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause, Select, case, func, select
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from echo.core.errors import InvalidInput
from echo.core.text import fold

MIN_QUERY_LENGTH = 2
# pg_trgm can use its index only when the pattern holds a whole trigram.
TRIGRAM = 3

Column = InstrumentedAttribute[str] | ColumnElement[str]
T = TypeVar("T")


def _sqlite_table_hint(
    _compiler: SQLiteCompiler, _table: FromClause, text: str | None
) -> str | None:
    return text


# SQLite names the index a query must use after the table ("tracks INDEXED BY ix"); SQLAlchemy's
# SQLite compiler drops table hints, so it is taught to write them as given.
SQLiteCompiler.get_from_hint_text = _sqlite_table_hint  # type: ignore[method-assign,assignment]


def on_index(query: Select[T], table: Any, index: str) -> Select[T]:
    """Without statistics SQLite's planner takes any index on an IS NULL term, such as the one
    on missing_at that nearly every row shares; this names the index that answers in one pass.
    Other databases plan by their statistics."""
    return query.with_hint(table, f"INDEXED BY {index}", dialect_name="sqlite")


def search_term(query: str) -> str:
    """The folded query; InvalidInput when it is too short to search by."""
    term = fold(query)
    if len(term) < MIN_QUERY_LENGTH:
        raise InvalidInput(f"Search query must be at least {MIN_QUERY_LENGTH} characters")
    return term


def contains(column: Column, term: str, dialect: str) -> ColumnElement[bool]:
    """`term` anywhere in `column`. On PostgreSQL a LIKE for the trigram index when it can help,
    else a position test the narrow (search_key, id) index answers without the table."""
    if dialect == "postgresql" and len(term) >= TRIGRAM:
        return column.like(f"%{_escape_like(term)}%", escape="\\")
    return _position(column, term, dialect) > 0


def relevance(column: Column, term: str, dialect: str) -> ColumnElement[int]:
    """0 when the key starts with the term, 1 when one of its words does, 2 otherwise."""
    return case(
        (func.substr(column, 1, len(term)) == term, 0),
        (_position(column, f" {term}", dialect) > 0, 1),
        else_=2,
    )


def _position(column: Column, needle: str, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.strpos(column, needle)
    return func.instr(column, needle)


def _escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def ranked_matches(
    session: AsyncSession,
    query: Select[uuid.UUID],
    key: Column,
    tie_breaker: Any,
    term: str,
    skip: int,
    take: int,
) -> tuple[list[uuid.UUID], int]:
    """The ids `query` selects whose `key` contains `term`, best first, one page of them, and
    how many match in all. One pass: the total is a window count over the same rows, which
    halves the work of a separate COUNT when a common word matches thousands of rows."""
    dialect = session.get_bind().dialect.name
    matching = query.where(contains(key, term, dialect))
    page = (
        matching.add_columns(func.count().over())
        .order_by(relevance(key, term, dialect), key, tie_breaker)
        .offset(skip)
        .limit(take)
    )
    rows = (await session.execute(page)).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    if skip == 0:
        return [], 0
    # Past the end: no row carries the total.
    return [], await session.scalar(select(func.count()).select_from(matching.subquery())) or 0
