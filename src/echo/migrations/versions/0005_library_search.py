"""Library search: folded search keys on artists, albums and tracks, and their indexes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from echo.core.text import fold

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PRESENT = sa.text("missing_at IS NULL")
# table -> the column its search key folds
SOURCES = {"artists": "name", "albums": "name", "tracks": "title"}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # A trusted extension since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, length in (("artists", 512), ("albums", 512), ("tracks", 1024)):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("search_key", sa.String(length=length), server_default="", nullable=False)
            )
    for table, source in SOURCES.items():
        _backfill(bind, table, source)
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_artists_search_key"), ["search_key"], unique=False)
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_albums_search_key"), ["search_key"], unique=False)
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tracks_search",
            ["search_key", "id"],
            unique=False,
            sqlite_where=PRESENT,
            postgresql_where=PRESENT,
        )
        batch_op.create_index(
            "ix_tracks_search_trgm",
            ["search_key"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
            sqlite_where=sa.false(),
        )
        batch_op.create_index(
            "ix_tracks_newest",
            ["created_at", "id"],
            unique=False,
            sqlite_where=PRESENT,
            postgresql_where=PRESENT,
        )


def _backfill(bind: sa.engine.Connection, table: str, source: str) -> None:
    rows = bind.execute(sa.text(f"SELECT id, {source} FROM {table}")).all()  # noqa: S608
    statement = sa.text(f"UPDATE {table} SET search_key = :key WHERE id = :id")  # noqa: S608
    for start in range(0, len(rows), 1000):
        batch = rows[start : start + 1000]
        bind.execute(statement, [{"id": row[0], "key": fold(row[1] or "")} for row in batch])


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_tracks_newest")
        batch_op.drop_index("ix_tracks_search_trgm")
        batch_op.drop_index("ix_tracks_search")
        batch_op.drop_column("search_key")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_albums_search_key"))
        batch_op.drop_column("search_key")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artists_search_key"))
        batch_op.drop_column("search_key")
