"""Our EBU R128 measurement against ffmpeg's `ebur128` filter (the test oracle) on real
encoded files in every format the fixtures can make. Fails, never skips, without ffmpeg."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from echo.features.analysis.loudness import Loudness
from echo.features.analysis.measure import LoudnessFailure, measure_file
from tests.fixtures.audio import FORMATS, encode_clip

DECODABLE = [name for name, spec in FORMATS.items() if spec.decodable and name != "dsf"]


@dataclass(frozen=True)
class Oracle:
    integrated: float
    true_peak_db: float


def ffmpeg_ebur128(path: Path) -> Oracle:
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is the loudness test oracle: install it (apt-get install ffmpeg)"
    run = subprocess.run(
        [
            ffmpeg, "-hide_banner", "-nostats", "-i", str(path),
            "-af", "ebur128=peak=true:metadata=1,ametadata=mode=print:file=-",
            "-f", "null", "-",
        ],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # The per-frame metadata has three decimals; the last frame carries the final value.
    integrated = re.findall(r"lavfi\.r128\.I=(-?[\d.]+|-inf)", run.stdout)[-1]
    summary = run.stderr[run.stderr.rindex("Summary:") :]
    true_peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf)", summary)
    assert true_peak, summary
    return Oracle(float(integrated), float(true_peak.group(1)))


def measured(path: Path) -> Loudness:
    result = measure_file(str(path))
    assert not isinstance(result, LoudnessFailure), result
    return result


@pytest.mark.parametrize("seconds", [1.0, 7.0])
@pytest.mark.parametrize("fmt", DECODABLE)
def test_integrated_loudness_and_true_peak_agree_with_ffmpeg(
    tmp_path: Path, fmt: str, seconds: float
) -> None:
    path = encode_clip(tmp_path / f"clip.{FORMATS[fmt].suffix}", fmt, seconds, 997.0)
    ours, oracle = measured(path), ffmpeg_ebur128(path)
    assert ours.integrated == pytest.approx(oracle.integrated, abs=0.1)
    assert ours.true_peak_db == pytest.approx(oracle.true_peak_db, abs=0.3)


def test_a_loud_noisy_flac_agrees_with_ffmpeg(tmp_path: Path) -> None:
    """Broadband audio with inter-sample peaks, made by ffmpeg itself."""
    ffmpeg = shutil.which("ffmpeg")
    assert ffmpeg, "ffmpeg is the loudness test oracle: install it (apt-get install ffmpeg)"
    path = tmp_path / "noise.flac"
    subprocess.run(
        [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-f", "lavfi",
            "-i", "anoisesrc=d=12:c=pink:r=44100:a=0.9:s=7", "-ac", "2", str(path),
        ],
        check=True,
    )  # fmt: skip
    ours, oracle = measured(path), ffmpeg_ebur128(path)
    assert ours.integrated == pytest.approx(oracle.integrated, abs=0.1)
    assert ours.true_peak_db == pytest.approx(oracle.true_peak_db, abs=0.3)


def test_silence_has_no_loudness_where_ffmpeg_reports_its_floor(tmp_path: Path) -> None:
    path = encode_clip(tmp_path / "silence.dsf", "dsf", 2.0)
    assert measured(path).integrated is None
    assert ffmpeg_ebur128(path).integrated <= -70.0


def test_a_file_that_cannot_be_decoded_is_a_failure_with_the_reason(tmp_path: Path) -> None:
    path = encode_clip(tmp_path / "fake.ape", "ape", 1.0)
    result = measure_file(str(path))
    assert isinstance(result, LoudnessFailure)
    assert result.error
