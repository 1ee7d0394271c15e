"""Library scanner: walk, compare, parse, store, purge, aggregate, covers; jobs, watcher, progress."""
