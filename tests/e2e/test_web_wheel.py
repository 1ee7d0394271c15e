"""The wheel carries the built web client, so `pip install` of it serves the UI without Node."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from echo.app import STATIC_DIR
from tests.e2e.web import REPOSITORY, require_built_web_app


def test_the_wheel_holds_the_web_client_and_every_file_its_page_loads(tmp_path: Path) -> None:
    require_built_web_app()
    # A copy of the sources, so no build/ folder of an earlier build can add stale files.
    source = tmp_path / "source"
    shutil.copytree(
        REPOSITORY / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPOSITORY / name, source / name)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    built = subprocess.run(
        [*pip_wheel, "--wheel-dir", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]

    (wheel,) = (tmp_path / "dist").glob("echo_music-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    index = (STATIC_DIR / "index.html").read_text()
    loaded = re.findall(r'(?:src|href)="/([^"]+)"', index)
    assert any(name.startswith("assets/") for name in loaded)
    for name in ["index.html", "sw.js", "manifest.json", *loaded]:
        assert f"echo/static/{name}" in names, f"{name} is missing from the wheel"
    built_files = {
        path.relative_to(STATIC_DIR).as_posix() for path in STATIC_DIR.rglob("*") if path.is_file()
    }
    assert {name for name in names if name.startswith("echo/static/")} == {
        f"echo/static/{name}" for name in built_files
    }
