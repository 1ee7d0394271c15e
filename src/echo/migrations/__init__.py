"""Alembic migrations; each must run on SQLite and PostgreSQL."""
