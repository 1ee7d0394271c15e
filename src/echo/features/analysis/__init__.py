"""Audio analysis: loudness, DJ features, transition scoring."""
