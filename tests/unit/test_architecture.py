"""Every feature folder is covered by the import-linter layer contract."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_every_feature_is_a_container_of_the_layer_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    features = sorted(
        f"echo.features.{path.name}"
        for path in (ROOT / "src" / "echo" / "features").iterdir()
        if (path / "__init__.py").exists()
    )
    assert sorted(layers["containers"]) == features
