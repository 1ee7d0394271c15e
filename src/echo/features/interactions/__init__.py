"""Ratings and favourites of tracks, albums, artists and playlists."""
