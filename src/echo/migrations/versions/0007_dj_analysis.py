"""DJ analysis: tempo, key, Camelot key, energy and danceability per track.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from echo.core.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dj_analysis",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("bpm", sa.Float(), nullable=True),
        sa.Column("key", sa.String(length=8), nullable=True),
        sa.Column("camelot_key", sa.String(length=4), nullable=True),
        sa.Column("energy", sa.Float(), nullable=True),
        sa.Column("raw_energy", sa.Float(), nullable=True),
        sa.Column("danceability", sa.Float(), nullable=True),
        sa.Column("detected_bpm", sa.Float(), nullable=True),
        sa.Column("detected_key", sa.String(length=8), nullable=True),
        sa.Column("bpm_confidence", sa.Float(), nullable=True),
        sa.Column("key_strength", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("analyzed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_dj_analysis_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_dj_analysis")),
    )
    with op.batch_alter_table("dj_analysis", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dj_analysis_status_camelot_bpm", ["status", "camelot_key", "bpm"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dj_analysis", schema=None) as batch_op:
        batch_op.drop_index("ix_dj_analysis_status_camelot_bpm")
    op.drop_table("dj_analysis")
