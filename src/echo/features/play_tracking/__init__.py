"""Play events, per-user play statistics and playback state."""
