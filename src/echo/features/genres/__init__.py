"""The genres of the library."""
