"""Feature modules, one folder each, files named by role."""
