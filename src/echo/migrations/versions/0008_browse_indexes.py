"""Indexes for browsing a large library: album lists in index order, and on SQLite a trigram
full-text table for track search (PostgreSQL has its pg_trgm index since 0005).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 00:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LISTED = sa.text("song_count > 0")

# The present tracks' search keys, kept by triggers on every write to tracks (scans, the
# fixtures' bulk inserts, anything). Keyed by the tracks' rowid so that an update or delete
# finds its entry (SQLite keeps rowids, VACUUM included, though its documentation reserves the
# right to renumber them there; docs/decisions/0003-library-browsing.md has the statement that
# refills the table). A later migration that recreates the tracks table (batch mode) must
# recreate the table and its triggers too.
SQLITE_TRACK_SEARCH = [
    "CREATE VIRTUAL TABLE tracks_search USING fts5(search_key, id UNINDEXED, tokenize='trigram')",
    "INSERT INTO tracks_search (rowid, search_key, id) "
    "SELECT rowid, search_key, id FROM tracks WHERE missing_at IS NULL",
    "CREATE TRIGGER tracks_search_insert AFTER INSERT ON tracks WHEN new.missing_at IS NULL "
    "BEGIN INSERT INTO tracks_search (rowid, search_key, id) "
    "VALUES (new.rowid, new.search_key, new.id); END",
    "CREATE TRIGGER tracks_search_delete AFTER DELETE ON tracks WHEN old.missing_at IS NULL "
    "BEGIN DELETE FROM tracks_search WHERE rowid = old.rowid; END",
    "CREATE TRIGGER tracks_search_update AFTER UPDATE OF search_key, missing_at ON tracks "
    "BEGIN DELETE FROM tracks_search WHERE rowid = old.rowid; "
    "INSERT INTO tracks_search (rowid, search_key, id) "
    "SELECT new.rowid, new.search_key, new.id WHERE new.missing_at IS NULL; END",
]


def upgrade() -> None:
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index(
            "ix_albums_newest",
            ["created_at", "id"],
            unique=False,
            sqlite_where=LISTED,
            postgresql_where=LISTED,
        )
        batch_op.create_index(
            "ix_albums_alphabetical",
            ["order_album_name", "id"],
            unique=False,
            sqlite_where=LISTED,
            postgresql_where=LISTED,
        )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRACK_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("tracks_search_update", "tracks_search_delete", "tracks_search_insert"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE tracks_search")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index("ix_albums_alphabetical")
        batch_op.drop_index("ix_albums_newest")
