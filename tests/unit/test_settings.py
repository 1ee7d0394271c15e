"""Settings: ECHO_ names, the original Echo's names, derived URLs, one-line errors, README table."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import AliasChoices, ValidationError

from echo.settings import Settings, describe_error

README = Path(__file__).parents[2] / "README.md"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests see only the variables they set, and no .env file."""
    for name in Settings.model_fields:
        for alias in _aliases(name):
            monkeypatch.delenv(alias, raising=False)
    monkeypatch.chdir(tmp_path)


def _aliases(field: str) -> list[str]:
    alias = Settings.model_fields[field].validation_alias
    assert isinstance(alias, AliasChoices)
    return [str(choice) for choice in alias.choices]


def test_defaults_are_the_zero_setup_ones(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.port == 4567
    assert settings.data_dir == tmp_path / "data"
    assert settings.library == [tmp_path / "music"]
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'echo.db'}"
    assert settings.redis_url == ""
    assert settings.rate_limit_global == 300
    assert settings.rate_limit_login == 50
    assert settings.rate_limit_refresh == 20
    assert settings.rate_limit_setup == 30
    assert settings.access_token_minutes == 24 * 60
    assert settings.refresh_token_days == 7


def test_library_takes_several_comma_separated_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECHO_LIBRARY", "/srv/music, /mnt/usb/music ,")
    assert Settings().library == [Path("/srv/music"), Path("/mnt/usb/music")]


def test_the_original_echo_variable_names_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_PATH", "/app/data")
    monkeypatch.setenv("LIBRARY_PATH", "/music")
    monkeypatch.setenv("DATABASE_URL", "postgresql://echo:pw@postgres:5432/echo")
    monkeypatch.setenv("REDIS_HOST", "redis")
    monkeypatch.setenv("REDIS_PORT", "6380")
    monkeypatch.setenv("REDIS_PASSWORD", "echo-internal/cache")
    settings = Settings()
    assert settings.data_dir == Path("/app/data")
    assert settings.library == [Path("/music")]
    assert settings.database_url == "postgresql+asyncpg://echo:pw@postgres:5432/echo"
    assert settings.redis_url == "redis://:echo-internal%2Fcache@redis:6380/0"


def test_echo_names_win_over_the_original_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_PATH", "/app/data")
    monkeypatch.setenv("ECHO_DATA_DIR", "/srv/echo")
    monkeypatch.setenv("ECHO_REDIS_URL", "redis://cache:6379/2")
    monkeypatch.setenv("REDIS_HOST", "ignored")
    settings = Settings()
    assert settings.data_dir == Path("/srv/echo")
    assert settings.redis_url == "redis://cache:6379/2"


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ECHO_PORT=8080\nECHO_LOG_LEVEL=debug\n")
    settings = Settings()
    assert settings.port == 8080
    assert settings.log_level == "debug"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ECHO_PORT", "abc"),
        ("ECHO_PORT", "70000"),
        ("ECHO_JWT_SECRET", "too-short"),
        ("ECHO_DATABASE_URL", "mysql://x"),
        ("ECHO_LOG_LEVEL", "loud"),
        ("ECHO_RATE_LIMIT_LOGIN", "0"),
    ],
)
def test_an_invalid_setting_is_reported_in_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as error:
        Settings()
    message = describe_error(error.value)
    assert message.startswith(f"Invalid setting {variable}: ")
    assert "\n" not in message


def _settings_table() -> str:
    rows = [
        "| Variable | Also accepted | Default | Meaning |",
        "|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        primary, *legacy = dict.fromkeys(_aliases(name))
        default = field.get_default(call_default_factory=True)
        if isinstance(default, list):
            default = ",".join(str(item) for item in default)
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        also = ", ".join(f"`{alias}`" for alias in legacy) or ""
        rows.append(f"| `{primary}` | {also} | {shown} | {field.description} |")
    return "\n".join(rows)


def test_the_readme_documents_every_setting() -> None:
    table = _settings_table()
    assert table in README.read_text(), "README settings table is stale; expected:\n" + table
