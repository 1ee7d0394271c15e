"""Listening: stream tokens, play history and statistics, playback state, ratings, favourites.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 18:21:41.726879
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from echo.core.db import JSONType, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "favorites",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_type", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_favorites_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "item_id", "item_type", name=op.f("pk_favorites")),
    )
    with op.batch_alter_table("favorites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_favorites_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_favorites_item", ["item_type", "item_id"], unique=False)

    op.create_table(
        "stream_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stream_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stream_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_stream_tokens_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_stream_tokens_user_id")),
    )
    with op.batch_alter_table("stream_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stream_tokens_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "user_play_stats",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_type", sa.String(length=16), nullable=False),
        sa.Column("play_count", sa.Integer(), nullable=False),
        sa.Column("weighted_play_count", sa.Float(), nullable=False),
        sa.Column("skip_count", sa.Integer(), nullable=False),
        sa.Column("avg_completion_rate", sa.Float(), nullable=False),
        sa.Column("last_played_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_play_stats_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "item_id", "item_type", name=op.f("pk_user_play_stats")),
    )
    with op.batch_alter_table("user_play_stats", schema=None) as batch_op:
        batch_op.create_index("ix_user_play_stats_item", ["item_type", "item_id"], unique=False)

    op.create_table(
        "user_ratings",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_type", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_ratings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "item_id", "item_type", name=op.f("pk_user_ratings")),
    )
    with op.batch_alter_table("user_ratings", schema=None) as batch_op:
        batch_op.create_index("ix_user_ratings_item", ["item_type", "item_id"], unique=False)

    op.create_table(
        "play_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("played_at", UTCDateTime(), nullable=False),
        sa.Column("client", sa.String(length=255), nullable=True),
        sa.Column("play_context", sa.String(length=32), nullable=False),
        sa.Column("completion_rate", sa.Float(), nullable=False),
        sa.Column("skipped", sa.Boolean(), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=True),
        sa.Column("source_type", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_play_history_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_play_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_play_history")),
    )
    with op.batch_alter_table("play_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_play_history_played_at"), ["played_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_play_history_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_play_history_track_id"), ["track_id"], unique=False)
        batch_op.create_index(
            "ix_play_history_user_context", ["user_id", "play_context"], unique=False
        )
        batch_op.create_index("ix_play_history_user_played", ["user_id", "played_at"], unique=False)

    op.create_table(
        "play_queue",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("current_track_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Float(), nullable=False),
        sa.Column("is_playing", sa.Boolean(), nullable=False),
        sa.Column("current_federation_track", JSONType, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_track_id"],
            ["tracks.id"],
            name=op.f("fk_play_queue_current_track_id_tracks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_play_queue_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_play_queue")),
    )
    with op.batch_alter_table("play_queue", schema=None) as batch_op:
        batch_op.create_index("ix_play_queue_playing", ["is_playing", "updated_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("play_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_play_queue_playing")

    op.drop_table("play_queue")
    with op.batch_alter_table("play_history", schema=None) as batch_op:
        batch_op.drop_index("ix_play_history_user_played")
        batch_op.drop_index("ix_play_history_user_context")
        batch_op.drop_index(batch_op.f("ix_play_history_track_id"))
        batch_op.drop_index(batch_op.f("ix_play_history_source_id"))
        batch_op.drop_index(batch_op.f("ix_play_history_played_at"))

    op.drop_table("play_history")
    with op.batch_alter_table("user_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_user_ratings_item")

    op.drop_table("user_ratings")
    with op.batch_alter_table("user_play_stats", schema=None) as batch_op:
        batch_op.drop_index("ix_user_play_stats_item")

    op.drop_table("user_play_stats")
    with op.batch_alter_table("stream_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stream_tokens_expires_at"))

    op.drop_table("stream_tokens")
    with op.batch_alter_table("favorites", schema=None) as batch_op:
        batch_op.drop_index("ix_favorites_item")
        batch_op.drop_index(batch_op.f("ix_favorites_created_at"))

    op.drop_table("favorites")
