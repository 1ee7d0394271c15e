"""Loudness: measured EBU R128 values per track, and per album.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from echo.core.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "album_loudness",
        sa.Column("album_id", sa.Uuid(), nullable=False),
        sa.Column("integrated_lufs", sa.Float(), nullable=True),
        sa.Column("sample_peak", sa.Float(), nullable=True),
        sa.Column("true_peak_db", sa.Float(), nullable=True),
        sa.Column("tracks", sa.Integer(), nullable=False),
        sa.Column("analyzed_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["albums.id"],
            name=op.f("fk_album_loudness_album_id_albums"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("album_id", name=op.f("pk_album_loudness")),
    )
    op.create_table(
        "track_loudness",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("integrated_lufs", sa.Float(), nullable=True),
        sa.Column("lra", sa.Float(), nullable=True),
        sa.Column("sample_peak", sa.Float(), nullable=True),
        sa.Column("true_peak_db", sa.Float(), nullable=True),
        sa.Column("outro_start", sa.Float(), nullable=True),
        sa.Column("sub_blocks", sa.LargeBinary(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("analyzed_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_loudness_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_track_loudness")),
    )
    with op.batch_alter_table("track_loudness", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_loudness_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("track_loudness", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_loudness_status"))
    op.drop_table("track_loudness")
    op.drop_table("album_loudness")
