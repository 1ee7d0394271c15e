"""The artists of the library."""
