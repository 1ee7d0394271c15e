"""`python -m benchmarks [name ...]` runs the benchmarks (all by default)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("scan", "streaming", "api", "analysis")


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    for name in names:
        if name not in BENCHMARKS:
            sys.exit(f"Unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


main()
