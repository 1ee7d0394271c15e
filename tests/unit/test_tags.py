"""Tag reading on real files of every supported format, built by the fixture library."""

from __future__ import annotations

import math
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from echo.features.scanner.tags import (
    DEFAULT_SEPARATORS,
    SyncedLine,
    TagError,
    TrackTags,
    embedded_picture,
    read_tags,
    split_artists,
)
from echo.features.scanner.tags_values import (
    genre_names,
    number_pair,
    parse_float,
    parse_lrc,
    r128_to_replaygain,
)
from tests.fixtures.audio import FORMATS
from tests.fixtures.library import build_library
from tests.fixtures.manifest import ExpectedFile, LibraryManifest


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> LibraryManifest:
    return build_library(tmp_path_factory.mktemp("library"))


def _mismatches(expected: ExpectedFile, tags: TrackTags) -> list[str]:
    wrong = []
    for name, want in expected.tags.items():
        got = getattr(tags, name)
        if name == "duration":
            # Encoders pad the last frame: MP3, AAC and WMA run a few tens of ms long.
            same = abs(got - want) < 0.1
        elif isinstance(want, float) and isinstance(got, float):
            same = math.isclose(got, want, abs_tol=1e-6)
        else:
            same = got == want
        if not same:
            wrong.append(f"{expected.path.name}: {name} = {got!r}, expected {want!r}")
    return wrong


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_reads_back_every_tag_the_fixture_wrote(
    library: LibraryManifest, fmt: str
) -> None:
    expected = library.of_format(fmt)
    tags = read_tags(str(expected.path))
    assert _mismatches(expected, tags) == []
    assert tags.path == str(expected.path)
    assert tags.size == expected.path.stat().st_size
    assert tags.mtime_ns == expected.path.stat().st_mtime_ns
    assert tags.bit_rate is not None and tags.bit_rate > 0


def test_every_file_of_the_library_reads_as_its_manifest_says(library: LibraryManifest) -> None:
    wrong = [m for f in library.files for m in _mismatches(f, read_tags(str(f.path)))]
    assert wrong == []


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_the_embedded_front_cover_comes_back_byte_for_byte(
    library: LibraryManifest, fmt: str
) -> None:
    expected = library.of_format(fmt)
    assert expected.picture is not None
    assert embedded_picture(str(expected.path)) == expected.picture


def test_a_file_without_a_picture_has_no_embedded_picture(library: LibraryManifest) -> None:
    path = library.file("04 Thunder.m4a").path
    assert read_tags(str(path)).has_embedded_picture is False
    assert embedded_picture(str(path)) is None


def test_the_artists_tag_wins_over_splitting_the_display_artist(
    library: LibraryManifest,
) -> None:
    tags = read_tags(str(library.file("01 Together.flac").path))
    assert tags.artist == "Alpha feat. Beta"
    assert tags.artists == ["Alpha", "Beta"]
    assert len(tags.mbz_artist_ids) == 2


def test_repeated_vorbis_fields_give_several_artists_and_a_joined_display_name(
    library: LibraryManifest,
) -> None:
    tags = read_tags(str(library.file("02 Repeated.ogg").path))
    assert tags.artists == ["Alpha", "Gamma"]
    assert tags.artist == "Alpha; Gamma"
    assert tags.genres == ["Rock", "Electronic"]


def test_id3_multi_value_frames_are_split_further_by_the_separators(
    library: LibraryManifest,
) -> None:
    tags = read_tags(str(library.file("03 Featuring.mp3").path))
    assert tags.artists == ["Alpha", "Delta", "Epsilon"]
    assert tags.genres == ["Rock", "Pop"]


def test_configured_separators_decide_the_split(library: LibraryManifest) -> None:
    path = str(library.file("04 Thunder.m4a").path)
    assert read_tags(path).artists == ["AC/DC", "Alpha"]
    assert read_tags(path, separators=()).artists == ["AC/DC / Alpha"]
    assert read_tags(path, separators=("/",)).artists == ["AC", "DC", "Alpha"]


def test_a_slash_without_spaces_keeps_a_name_whole() -> None:
    assert split_artists(["AC/DC"], DEFAULT_SEPARATORS) == ["AC/DC"]
    assert split_artists(["AC/DC / Alpha"], DEFAULT_SEPARATORS) == ["AC/DC", "Alpha"]


def test_feat_ft_featuring_and_semicolons_split_in_any_case() -> None:
    values = ["Alpha feat. Beta", "Gamma FT. Delta", "Epsilon Featuring Zeta", "Eta;Theta"]
    assert split_artists(values, DEFAULT_SEPARATORS) == [
        "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta",
    ]  # fmt: skip


def test_split_names_are_trimmed_and_deduplicated_ignoring_case_in_first_seen_order() -> None:
    values = ["Beta ; alpha", "ALPHA feat. Beta", "  ", "Gamma"]
    assert split_artists(values, DEFAULT_SEPARATORS) == ["Beta", "alpha", "Gamma"]


def test_id3_genre_numbers_map_to_names() -> None:
    assert genre_names("17") == ["Rock"]
    assert genre_names("(17)") == ["Rock"]
    assert genre_names("(17)(18)") == ["Rock", "Techno"]
    assert genre_names("(17)Heavy") == ["Rock", "Heavy"]
    assert genre_names("(RX)(CR)") == ["Remix", "Cover"]
    assert genre_names("((Parenthesised)") == ["(Parenthesised)"]
    assert genre_names("999") == ["999"]
    assert genre_names("Post-Rock") == ["Post-Rock"]


def test_genre_numbers_in_files_become_names_in_id3_and_asf(library: LibraryManifest) -> None:
    assert read_tags(str(library.file("06 Legacy.mp3").path)).genres == ["Rock", "Techno"]
    assert read_tags(str(library.file("05 Echoes.wma").path)).genres == ["Rock"]


def test_r128_gains_convert_to_replaygain_relative_to_minus_18_lufs() -> None:
    assert r128_to_replaygain("0") == 5.0
    assert r128_to_replaygain("-2944") == -6.5
    assert r128_to_replaygain("+256") == 6.0
    assert r128_to_replaygain("-6.5 dB") is None
    assert r128_to_replaygain(None) is None


def test_an_opus_file_reports_its_r128_gains_as_replaygain(library: LibraryManifest) -> None:
    tags = read_tags(str(library.of_format("opus").path))
    assert tags.rg_track_gain == pytest.approx(-7.5)
    assert tags.rg_album_gain == pytest.approx(-7.25)
    assert tags.rg_track_peak is None
    assert tags.sample_rate == 48_000


def test_replaygain_values_parse_with_units_and_decimal_commas() -> None:
    assert parse_float("-6.54 dB") == -6.54
    assert parse_float("+1,5 dB") == 1.5
    assert parse_float("0.988547") == 0.988547
    assert parse_float("loud") is None


def test_track_and_disc_numbers_parse_with_and_without_totals() -> None:
    assert number_pair("3/12") == (3, 12)
    assert number_pair("03") == (3, None)
    assert number_pair("0/0") == (None, None)
    assert number_pair("A1") == (None, None)
    assert number_pair(None) == (None, None)


def test_lrc_text_parses_to_timed_lines_in_time_order() -> None:
    text = "[ar:Someone]\n[offset:+100]\n[00:12.50][01:00.00]Chorus\n[00:05.2]<00:05.20>Verse\n"
    assert parse_lrc(text) == [(5_100, "Verse"), (12_400, "Chorus"), (59_900, "Chorus")]
    assert parse_lrc("Just words\nno times") == []


def test_synced_lyrics_come_from_sylt_lrc_in_the_lyrics_tag_or_a_sidecar_file(
    library: LibraryManifest,
) -> None:
    sylt = read_tags(str(library.of_format("mp3").path))
    assert sylt.synced_lyrics == [
        SyncedLine(0, "First line of MP3"),
        SyncedLine(500, "Second line"),
    ]
    embedded_lrc = read_tags(str(library.file("01 Svefn-g-englar.flac").path))
    assert embedded_lrc.lyrics == "Tjú\nHopelandic"
    assert embedded_lrc.synced_lyrics[0] == SyncedLine(500, "Tjú")
    assert library.sidecar_lrc is not None
    sidecar = read_tags(str(library.sidecar_lrc.with_suffix(".mp3")))
    assert sidecar.lyrics == "Starálfur\nStaring elf"
    assert sidecar.synced_lyrics == [SyncedLine(200, "Starálfur"), SyncedLine(800, "Staring elf")]


def test_an_untagged_file_with_a_very_long_name_reads_with_empty_tags(
    library: LibraryManifest,
) -> None:
    assert library.long_name is not None
    assert len(library.long_name.name.encode()) >= 200
    tags = read_tags(str(library.long_name))
    assert (tags.title, tags.artist, tags.artists, tags.album) == (None, None, [], None)
    assert tags.duration == pytest.approx(1.0, abs=0.1)


def test_an_id3v1_only_mp3_is_read_through_the_v1_fallback(library: LibraryManifest) -> None:
    tags = read_tags(str(library.file("Old Song.mp3").path))
    assert (tags.title, tags.artist, tags.album) == ("Old Song", "Old Timer", "Old Album")
    assert (tags.year, tags.track_number, tags.genres) == (1987, 5, ["Rock"])


def test_a_compilation_flag_is_read_from_tcmp_cpil_and_compilation(
    library: LibraryManifest,
) -> None:
    for name in ("01 Sunny.mp3", "02 Breeze.flac", "03 Waves.m4a"):
        tags = read_tags(str(library.file(name).path))
        assert tags.compilation is True, name
        assert tags.album_artist is None and tags.album_artists == [], name


@pytest.mark.parametrize("kind", ["truncated", "empty", "not audio"])
def test_broken_files_raise_tag_error_and_nothing_else(library: LibraryManifest, kind: str) -> None:
    (path,) = [p for p, what in library.bad_files.items() if what == kind]
    with pytest.raises(TagError):
        read_tags(str(path))
    with pytest.raises(TagError):
        embedded_picture(str(path))


def test_a_missing_file_or_a_folder_raises_tag_error(tmp_path: Path) -> None:
    with pytest.raises(TagError, match="cannot read"):
        read_tags(str(tmp_path / "gone.mp3"))
    with pytest.raises(TagError):
        read_tags(str(tmp_path))


def test_the_suffix_is_lower_case_without_the_dot(library: LibraryManifest, tmp_path: Path) -> None:
    upper = tmp_path / "SHOUTING.MP3"
    shutil.copyfile(library.of_format("mp3").path, upper)
    assert read_tags(str(upper)).suffix == "mp3"


def test_tags_and_tag_errors_come_back_from_a_process_pool(library: LibraryManifest) -> None:
    path = str(library.of_format("mp3").path)
    (broken,) = [p for p, what in library.bad_files.items() if what == "empty"]
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(read_tags, path).result() == read_tags(path)
        with pytest.raises(TagError, match="empty"):
            pool.submit(read_tags, str(broken)).result()


def test_stream_info_matches_each_format(library: LibraryManifest) -> None:
    for fmt, spec in FORMATS.items():
        tags = read_tags(str(library.of_format(fmt).path))
        assert (tags.sample_rate, tags.bit_depth, tags.channels) == (
            spec.sample_rate,
            spec.bit_depth,
            2,
        ), fmt


@pytest.mark.parametrize(("fmt", "named"), [("flac", "mp3"), ("mp3", "m4a"), ("opus", "ogg")])
def test_a_file_under_another_formats_extension_reads_as_what_it_is(
    library: LibraryManifest, fmt: str, named: str, tmp_path: Path
) -> None:
    # The common formats are opened by their extension only when the first bytes agree.
    expected = library.of_format(fmt)
    misnamed = tmp_path / f"misnamed.{named}"
    shutil.copyfile(expected.path, misnamed)
    tags = read_tags(str(misnamed))
    assert (tags.title, tags.artists, tags.album) == (
        expected.tags["title"],
        expected.tags["artists"],
        expected.tags["album"],
    )
    assert tags.duration == pytest.approx(expected.tags["duration"], abs=0.1)
