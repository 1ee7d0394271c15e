"""Runtime settings stored in the database (key/value), changed from the UI."""
