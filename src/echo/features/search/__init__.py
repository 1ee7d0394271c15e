"""Search across artists, albums and tracks."""
