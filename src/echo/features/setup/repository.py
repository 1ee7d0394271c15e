"""The wizard's state file, DATA_DIR/setup.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_state(data_dir: Path) -> dict[str, Any]:
    path = data_dir / "setup.json"
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(data_dir: Path, state: dict[str, Any]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    temporary = data_dir / ".setup.json.tmp"
    temporary.write_text(json.dumps(state, indent=2))
    temporary.replace(data_dir / "setup.json")
