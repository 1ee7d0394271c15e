"""Accent- and case-insensitive search over folded key columns (`search_key` = fold(name))."""

from __future__ import annotations

import sys
import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause, Select, String, Table, and_, case, func, select
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeEngine

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
    # No stored key holds a NUL (PostgreSQL text cannot), and SQLite's full-text query syntax
    # ends a string at one.
    term = fold(query.replace("\x00", ""))
    if len(term) < MIN_QUERY_LENGTH:
        raise InvalidInput(f"Search query must be at least {MIN_QUERY_LENGTH} characters")
    return term


def contains(column: Column, term: str, dialect: str) -> ColumnElement[bool]:
    """`term` anywhere in `column`. On PostgreSQL a LIKE for the trigram index when it can help,
    else a position test the narrow (search_key, id) index answers without the table."""
    if dialect == "postgresql" and len(term) >= TRIGRAM:
        return column.like(f"%{_escape_like(term)}%", escape="\\")
    return _position(column, term, dialect) > 0


def key_type(length: int) -> TypeEngine[str]:
    """The type of a `search_key` column. On PostgreSQL under the C collation, so that keys
    compare code point by code point as on SQLite (under a database's linguistic collation,
    LIKE 'term%' cannot use the B-tree and filtered the whole index: 5 ms at 100,000 tracks)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def starts_with(column: Column, term: str) -> ColumnElement[bool]:
    """Keys beginning with `term`, as a range of the key's B-tree index: keys compare code
    point by code point (`key_type`), so they lie between `term` and `term` with its last
    character raised."""
    last = ord(term[-1])
    if last == sys.maxunicode:
        return column.like(f"{_escape_like(term)}%", escape="\\")
    return and_(column >= term, column < term[:-1] + chr(last + 1))


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
    trigrams: Table | None = None,
) -> tuple[list[uuid.UUID], int]:
    """The ids `query` selects whose `key` contains `term`, best first, one page of them, and
    how many match in all.

    Keys that start with the term rank first, in key order, which is the order of the key's
    index: when they fill the page it is read straight from the index and the other matches are
    only counted. Otherwise all matches are ranked, the total being a window count over the same
    rows (a separate COUNT would read them twice). `trigrams`, on SQLite, is a full-text table
    of (search_key, id) holding exactly the rows `query` selects, which counts and ranks
    matches of 3+ characters without reading every key."""
    dialect = session.get_bind().dialect.name
    if dialect != "sqlite" or len(term) < TRIGRAM:
        trigrams = None  # the table exists on SQLite only, and matches 3+ characters
    if take > 0:
        prefixed = query.where(starts_with(key, term)).order_by(key, tie_breaker)
        ids = list(await session.scalars(prefixed.offset(skip).limit(take)))
        if len(ids) == take:
            return ids, await _count_matches(session, query, key, term, dialect, trigrams)
    if trigrams is not None:
        query, key, tie_breaker = select(trigrams.c.id), trigrams.c.search_key, trigrams.c.id
        matching = query.where(_trigram_match(trigrams, term))
    else:
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


async def _count_matches(
    session: AsyncSession,
    query: Select[uuid.UUID],
    key: Column,
    term: str,
    dialect: str,
    trigrams: Table | None,
) -> int:
    if trigrams is not None:
        counted = select(func.count()).select_from(trigrams).where(_trigram_match(trigrams, term))
    else:
        counted = select(func.count()).select_from(
            query.where(contains(key, term, dialect)).subquery()
        )
    return await session.scalar(counted) or 0


def _trigram_match(trigrams: Table, term: str) -> ColumnElement[bool]:
    """FTS5 with the trigram tokenizer: `term` as one quoted phrase matches it as a substring."""
    phrase = '"' + term.replace('"', '""') + '"'
    return trigrams.c.search_key.op("MATCH")(phrase)
