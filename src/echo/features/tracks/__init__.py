"""The tracks of the library."""
