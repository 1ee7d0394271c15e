"""Benchmarks: each prints its figures and their ratios to a limit measured in the same run."""
