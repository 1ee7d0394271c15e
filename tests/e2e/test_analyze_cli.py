"""`echo-music analyze` as a user runs it: loudness and DJ features found in the foreground,
failures reported, --retry-failed. SQLite, real processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.processes import run_cli, site_env
from tests.fixtures.audio import encode_clip
from tests.fixtures.music import RATE, drum_track, encode


def cli(root: Path, *args: str) -> str:
    result = run_cli(list(args), site_env(root), cwd=root)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def statuses(root: Path, table: str = "track_loudness") -> dict[str, str]:
    with sqlite3.connect(root / "data" / "echo.db") as connection:
        rows = connection.execute(
            f"SELECT t.path, a.status FROM {table} a JOIN tracks t ON t.id = a.track_id"  # noqa: S608 (a fixed name)
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

    assert "Loudness: analysed 2 tracks, 1 failed." in output
    assert "broken.ape" in output
    assert "DJ:" not in output
    assert statuses(tmp_path) == {"good.flac": "done", "broken.ape": "failed"}
    assert statuses(tmp_path, "dj_analysis") == {}
    assert "Loudness: analysed 0 tracks" in cli(tmp_path, "analyze", "--lufs")
    again = cli(tmp_path, "analyze", "--lufs", "--retry-failed")
    assert "Loudness: analysed 1 tracks, 1 failed." in again


def test_analyze_dj_finds_the_tempo_and_without_a_flag_runs_every_analysis(
    tmp_path: Path,
) -> None:
    site_env(tmp_path)
    drums = drum_track(120, seconds=20)
    encode(tmp_path / "music" / "drums.flac", np.stack([drums, drums]), RATE, "flac")
    encode_clip(tmp_path / "music" / "broken.ape", "ape", 1.0)
    cli(tmp_path, "scan")

    output = cli(tmp_path, "analyze", "--dj")

    assert "DJ: analysed 2 tracks, 1 failed." in output
    assert "DJ failed:" in output and "broken.ape" in output
    assert "Loudness:" not in output
    assert statuses(tmp_path, "dj_analysis") == {"drums.flac": "completed", "broken.ape": "failed"}
    with sqlite3.connect(tmp_path / "data" / "echo.db") as connection:
        ((bpm, energy),) = connection.execute(
            "SELECT bpm, energy FROM dj_analysis WHERE status = 'completed'"
        ).fetchall()
    assert bpm == pytest.approx(120, abs=0.5)
    assert 0 < energy < 1
    assert "DJ: analysed 0 tracks" in cli(tmp_path, "analyze", "--dj")
    assert "DJ: analysed 1 tracks, 1 failed." in cli(tmp_path, "analyze", "--dj", "--retry-failed")

    everything = cli(tmp_path, "analyze")
    assert "Loudness: analysed 2 tracks, 1 failed." in everything
    assert "DJ: analysed 0 tracks, 0 failed." in everything
    assert statuses(tmp_path) == {"drums.flac": "done", "broken.ape": "failed"}
