"""Lighter track indexes: every index is written on each of a scan's inserts.

The fingerprint index is dropped (moved files are matched in memory, against the few missing
tracks); the missing-since and MusicBrainz track id indexes hold only the rows that have a
value (a missing track is rare, and many libraries have no MusicBrainz tags at all).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

MISSING = sa.text("missing_at IS NOT NULL")
TAGGED = sa.text("mbz_track_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_tracks_fingerprint")
        batch_op.drop_index("ix_tracks_missing_at")
        batch_op.drop_index("ix_tracks_mbz_track_id")
        batch_op.create_index(
            "ix_tracks_missing_at", ["missing_at"], sqlite_where=MISSING, postgresql_where=MISSING
        )
        batch_op.create_index(
            "ix_tracks_mbz_track_id",
            ["mbz_track_id"],
            sqlite_where=TAGGED,
            postgresql_where=TAGGED,
        )


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index("ix_tracks_mbz_track_id")
        batch_op.drop_index("ix_tracks_missing_at")
        batch_op.create_index("ix_tracks_mbz_track_id", ["mbz_track_id"])
        batch_op.create_index("ix_tracks_missing_at", ["missing_at"])
        batch_op.create_index("ix_tracks_fingerprint", ["fingerprint"])
