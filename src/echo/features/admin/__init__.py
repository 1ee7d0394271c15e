"""Administration: user management."""
