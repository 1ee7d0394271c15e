"""`echo-music analyze` as a user runs it: loudness measured in the foreground, failures
reported, --retry-failed. SQLite, real processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.e2e.processes import run_cli, site_env
from tests.fixtures.audio import encode_clip


def cli(root: Path, *args: str) -> str:
    result = run_cli(list(args), site_env(root), cwd=root)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def statuses(root: Path) -> dict[str, str]:
    with sqlite3.connect(root / "data" / "echo.db") as connection:
        rows = connection.execute(
            "SELECT t.path, l.status FROM track_loudness l JOIN tracks t ON t.id = l.track_id"
        ).fetchall()
    return {Path(path).name: status for path, status in rows}


def test_analyze_measures_loudness_and_reports_the_files_it_could_not_decode(
    tmp_path: Path,
) -> None:
    site_env(tmp_path)  # creates data/ and music/
    encode_clip(tmp_path / "music" / "good.flac", "flac", 2.0, 997.0)
    encode_clip(tmp_path / "music" / "broken.ape", "ape", 1.0)
    cli(tmp_path, "scan")

    output = cli(tmp_path, "analyze", "--lufs")

    assert "Analysed 2 tracks, 1 failed." in output
    assert "broken.ape" in output
    assert statuses(tmp_path) == {"good.flac": "done", "broken.ape": "failed"}
    assert "Analysed 0 tracks" in cli(tmp_path, "analyze")
    assert "Analysed 1 tracks, 1 failed." in cli(tmp_path, "analyze", "--retry-failed")
