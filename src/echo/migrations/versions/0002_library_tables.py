"""Library tables: artists, albums, tracks, genres and their links, scans, unreadable files.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 17:23:15.365763
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from echo.core.db import JSONType, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "artists",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("order_artist_name", sa.String(length=512), nullable=False),
        sa.Column("sort_name", sa.String(length=512), nullable=True),
        sa.Column("mbz_artist_id", sa.String(length=64), nullable=True),
        sa.Column("album_count", sa.Integer(), nullable=False),
        sa.Column("song_count", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("biography", sa.Text(), nullable=True),
        sa.Column("biography_source", sa.String(length=64), nullable=True),
        sa.Column("external_url", sa.String(length=1024), nullable=True),
        sa.Column("mbid_searched_at", UTCDateTime(), nullable=True),
        sa.Column("external_info_updated_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_artists")),
    )
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_artists_mbz_artist_id"), ["mbz_artist_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_artists_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_artists_order_artist_name"), ["order_artist_name"], unique=False
        )

    op.create_table(
        "genres",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("song_count", sa.Integer(), nullable=False),
        sa.Column("album_count", sa.Integer(), nullable=False),
        sa.Column("artist_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_genres")),
        sa.UniqueConstraint("key", name=op.f("uq_genres_key")),
    )
    op.create_table(
        "library_scans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("requested", sa.String(length=16), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("files_scanned", sa.Integer(), nullable=False),
        sa.Column("tracks_added", sa.Integer(), nullable=False),
        sa.Column("tracks_updated", sa.Integer(), nullable=False),
        sa.Column("tracks_deleted", sa.Integer(), nullable=False),
        sa.Column("tracks_missing", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_scans")),
        sa.UniqueConstraint("active", name=op.f("uq_library_scans_active")),
    )
    with op.batch_alter_table("library_scans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_scans_started_at"), ["started_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_library_scans_status"), ["status"], unique=False)

    op.create_table(
        "scan_errors",
        sa.Column("path", sa.String(length=4096), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("scan_id", sa.Uuid(), nullable=True),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_scan_errors")),
    )
    op.create_table(
        "albums",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=512), nullable=False),
        sa.Column("order_album_name", sa.String(length=512), nullable=False),
        sa.Column("sort_album_name", sa.String(length=512), nullable=True),
        sa.Column("album_artist_id", sa.Uuid(), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("artist_name", sa.String(length=512), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("release_date", sa.String(length=32), nullable=True),
        sa.Column("original_date", sa.String(length=32), nullable=True),
        sa.Column("compilation", sa.Boolean(), nullable=False),
        sa.Column("song_count", sa.Integer(), nullable=False),
        sa.Column("disc_count", sa.Integer(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("cover_hash", sa.String(length=64), nullable=True),
        sa.Column("cover_source", sa.String(length=16), nullable=True),
        sa.Column("mbz_album_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_album_artist_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_release_group_id", sa.String(length=64), nullable=True),
        sa.Column("catalog_num", sa.String(length=128), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("mbid_searched_at", UTCDateTime(), nullable=True),
        sa.Column("external_info_updated_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_artist_id"],
            ["artists.id"],
            name=op.f("fk_albums_album_artist_id_artists"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_albums")),
        sa.UniqueConstraint("pid", name=op.f("uq_albums_pid")),
    )
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_albums_album_artist_id"), ["album_artist_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_albums_artist_id"), ["artist_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_albums_mbz_album_id"), ["mbz_album_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_albums_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_albums_order_album_name"), ["order_album_name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_albums_year"), ["year"], unique=False)

    op.create_table(
        "artist_genres",
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("genre_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_artist_genres_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["genre_id"],
            ["genres.id"],
            name=op.f("fk_artist_genres_genre_id_genres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("artist_id", "genre_id", name=op.f("pk_artist_genres")),
    )
    with op.batch_alter_table("artist_genres", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_artist_genres_genre_id"), ["genre_id"], unique=False)

    op.create_table(
        "album_genres",
        sa.Column("album_id", sa.Uuid(), nullable=False),
        sa.Column("genre_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["albums.id"],
            name=op.f("fk_album_genres_album_id_albums"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["genre_id"],
            ["genres.id"],
            name=op.f("fk_album_genres_genre_id_genres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("album_id", "genre_id", name=op.f("pk_album_genres")),
    )
    with op.batch_alter_table("album_genres", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_album_genres_genre_id"), ["genre_id"], unique=False)

    op.create_table(
        "tracks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("path", sa.String(length=4096), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("suffix", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=1024), nullable=False),
        sa.Column("album_id", sa.Uuid(), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("album_artist_id", sa.Uuid(), nullable=False),
        sa.Column("album_name", sa.String(length=512), nullable=False),
        sa.Column("artist_name", sa.String(length=1024), nullable=False),
        sa.Column("album_artist_name", sa.String(length=512), nullable=False),
        sa.Column("order_title", sa.String(length=1024), nullable=False),
        sa.Column("sort_title", sa.String(length=1024), nullable=True),
        sa.Column("track_number", sa.Integer(), nullable=True),
        sa.Column("track_total", sa.Integer(), nullable=True),
        sa.Column("disc_number", sa.Integer(), nullable=False),
        sa.Column("disc_total", sa.Integer(), nullable=True),
        sa.Column("disc_subtitle", sa.String(length=512), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("date", sa.String(length=32), nullable=True),
        sa.Column("original_date", sa.String(length=32), nullable=True),
        sa.Column("compilation", sa.Boolean(), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("bit_rate", sa.Integer(), nullable=True),
        sa.Column("sample_rate", sa.Integer(), nullable=True),
        sa.Column("bit_depth", sa.Integer(), nullable=True),
        sa.Column("channels", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("lyrics", sa.Text(), nullable=True),
        sa.Column(
            "synced_lyrics",
            JSONType,
            nullable=True,
        ),
        sa.Column("has_cover_art", sa.Boolean(), nullable=False),
        sa.Column("mbz_track_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_release_track_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_album_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_artist_id", sa.String(length=64), nullable=True),
        sa.Column("mbz_album_artist_id", sa.String(length=64), nullable=True),
        sa.Column("catalog_num", sa.String(length=128), nullable=True),
        sa.Column("bpm", sa.Float(), nullable=True),
        sa.Column("initial_key", sa.String(length=16), nullable=True),
        sa.Column("rg_track_gain", sa.Float(), nullable=True),
        sa.Column("rg_track_peak", sa.Float(), nullable=True),
        sa.Column("rg_album_gain", sa.Float(), nullable=True),
        sa.Column("rg_album_peak", sa.Float(), nullable=True),
        sa.Column("missing_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_artist_id"], ["artists.id"], name=op.f("fk_tracks_album_artist_id_artists")
        ),
        sa.ForeignKeyConstraint(
            ["album_id"], ["albums.id"], name=op.f("fk_tracks_album_id_albums"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["artist_id"], ["artists.id"], name=op.f("fk_tracks_artist_id_artists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracks")),
        sa.UniqueConstraint("path", name=op.f("uq_tracks_path")),
    )
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tracks_album_artist_id"), ["album_artist_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tracks_album_id"), ["album_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_artist_id"), ["artist_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_fingerprint"), ["fingerprint"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_mbz_track_id"), ["mbz_track_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_missing_at"), ["missing_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tracks_order_title"), ["order_title"], unique=False)

    op.create_table(
        "track_artists",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("artist_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("artist_name", sa.String(length=512), nullable=False),
        sa.ForeignKeyConstraint(
            ["artist_id"],
            ["artists.id"],
            name=op.f("fk_track_artists_artist_id_artists"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_artists_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "artist_id", "role", name=op.f("pk_track_artists")),
    )
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_artists_artist_id"), ["artist_id"], unique=False)

    op.create_table(
        "track_genres",
        sa.Column("track_id", sa.Uuid(), nullable=False),
        sa.Column("genre_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["genre_id"],
            ["genres.id"],
            name=op.f("fk_track_genres_genre_id_genres"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_track_genres_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("track_id", "genre_id", name=op.f("pk_track_genres")),
    )
    with op.batch_alter_table("track_genres", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_track_genres_genre_id"), ["genre_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("track_genres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_genres_genre_id"))

    op.drop_table("track_genres")
    with op.batch_alter_table("track_artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_track_artists_artist_id"))

    op.drop_table("track_artists")
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracks_order_title"))
        batch_op.drop_index(batch_op.f("ix_tracks_missing_at"))
        batch_op.drop_index(batch_op.f("ix_tracks_mbz_track_id"))
        batch_op.drop_index(batch_op.f("ix_tracks_fingerprint"))
        batch_op.drop_index(batch_op.f("ix_tracks_artist_id"))
        batch_op.drop_index(batch_op.f("ix_tracks_album_id"))
        batch_op.drop_index(batch_op.f("ix_tracks_album_artist_id"))

    op.drop_table("tracks")
    with op.batch_alter_table("album_genres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_album_genres_genre_id"))

    op.drop_table("album_genres")
    with op.batch_alter_table("artist_genres", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artist_genres_genre_id"))

    op.drop_table("artist_genres")
    with op.batch_alter_table("albums", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_albums_year"))
        batch_op.drop_index(batch_op.f("ix_albums_order_album_name"))
        batch_op.drop_index(batch_op.f("ix_albums_name"))
        batch_op.drop_index(batch_op.f("ix_albums_mbz_album_id"))
        batch_op.drop_index(batch_op.f("ix_albums_artist_id"))
        batch_op.drop_index(batch_op.f("ix_albums_album_artist_id"))

    op.drop_table("albums")
    op.drop_table("scan_errors")
    with op.batch_alter_table("library_scans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_scans_status"))
        batch_op.drop_index(batch_op.f("ix_library_scans_started_at"))

    op.drop_table("library_scans")
    op.drop_table("genres")
    with op.batch_alter_table("artists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_artists_order_artist_name"))
        batch_op.drop_index(batch_op.f("ix_artists_name"))
        batch_op.drop_index(batch_op.f("ix_artists_mbz_artist_id"))

    op.drop_table("artists")
