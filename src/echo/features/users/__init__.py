"""The users table and self-service account settings."""
