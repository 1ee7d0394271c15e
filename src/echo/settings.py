"""Process settings from ECHO_* environment variables and an optional .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error", "critical"]
TranscodeFormat = Literal["opus", "mp3", "aac"]

DEFAULT_BROWSE_ROOTS = "/mnt,/media,/home,/music,/data,/srv"


def _env(name: str, *legacy: str) -> AliasChoices:
    """Accept ECHO_<NAME> first, then the original Echo's variable names."""
    return AliasChoices(f"ECHO_{name}", *legacy)


def _split_list(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every setting of the server. The README's settings table is checked against this class."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(
        Path("data"),
        validation_alias=_env("DATA_DIR", "DATA_PATH"),
        description="Folder for the SQLite database, secrets, covers and uploads.",
    )
    library: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("music")],
        validation_alias=_env("LIBRARY", "LIBRARY_PATH", "MUSIC_LIBRARY_PATH"),
        description="Music folders, comma-separated.",
    )
    database_url: str = Field(
        "",
        validation_alias=_env("DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL; empty means SQLite at DATA_DIR/echo.db. "
        "postgresql:// URLs use asyncpg.",
    )
    redis_url: str = Field(
        "",
        validation_alias=_env("REDIS_URL"),
        description="Redis URL for shared cache, rate limits, blacklist and queues; "
        "empty means in-process adapters.",
    )
    redis_host: str = Field(
        "",
        validation_alias=_env("REDIS_HOST", "REDIS_HOST"),
        description="Original Echo name: Redis host, used when REDIS_URL is empty.",
    )
    redis_port: int = Field(
        6379,
        ge=1,
        le=65535,
        validation_alias=_env("REDIS_PORT", "REDIS_PORT"),
        description="Original Echo name: Redis port.",
    )
    redis_password: str = Field(
        "",
        validation_alias=_env("REDIS_PASSWORD", "REDIS_PASSWORD"),
        description="Original Echo name: Redis password.",
    )
    redis_prefix: str = Field(
        "echo:",
        validation_alias=_env("REDIS_PREFIX"),
        description="Prefix of every Redis key, so several installations can share one Redis.",
    )
    host: str = Field("0.0.0.0", validation_alias=_env("HOST"), description="Listen address.")
    port: int = Field(
        4567, ge=1, le=65535, validation_alias=_env("PORT", "PORT"), description="Listen port."
    )
    log_level: LogLevel = Field(
        "info", validation_alias=_env("LOG_LEVEL", "LOG_LEVEL"), description="Log level."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        validation_alias=_env("CORS_ORIGINS", "CORS_ORIGINS"),
        description="Allowed CORS origins, comma-separated; empty allows localhost "
        "and this machine's LAN addresses on the listen port.",
    )
    jwt_secret: str = Field(
        "",
        min_length=0,
        validation_alias=_env("JWT_SECRET", "JWT_SECRET"),
        description="Access-token secret (≥ 32 chars); empty: generated once and kept in "
        "DATA_DIR/secrets.env.",
    )
    jwt_refresh_secret: str = Field(
        "",
        validation_alias=_env("JWT_REFRESH_SECRET", "JWT_REFRESH_SECRET"),
        description="Refresh-token secret (≥ 32 chars); empty: generated like JWT_SECRET.",
    )
    access_token_minutes: int = Field(
        24 * 60,
        ge=1,
        validation_alias=_env("ACCESS_TOKEN_MINUTES"),
        description="Lifetime of an access token.",
    )
    refresh_token_days: int = Field(
        7,
        ge=1,
        validation_alias=_env("REFRESH_TOKEN_DAYS"),
        description="Lifetime of a refresh token.",
    )
    rate_limit_global: int = Field(
        300,
        ge=1,
        validation_alias=_env("RATE_LIMIT_GLOBAL"),
        description="Requests per minute per client across the API.",
    )
    rate_limit_login: int = Field(
        50,
        ge=1,
        validation_alias=_env("RATE_LIMIT_LOGIN"),
        description="Logins per minute per client.",
    )
    rate_limit_refresh: int = Field(
        20,
        ge=1,
        validation_alias=_env("RATE_LIMIT_REFRESH"),
        description="Token refreshes per minute per client.",
    )
    rate_limit_setup: int = Field(
        30,
        ge=1,
        validation_alias=_env("RATE_LIMIT_SETUP"),
        description="Setup-wizard requests per minute per client.",
    )
    max_upload_bytes: int = Field(
        10 * 1024 * 1024,
        ge=1024,
        validation_alias=_env("MAX_UPLOAD_SIZE", "MAX_UPLOAD_SIZE"),
        description="Largest accepted request body for uploads, in bytes.",
    )
    avatar_max_bytes: int = Field(
        5 * 1024 * 1024,
        ge=1024,
        validation_alias=_env("AVATAR_MAX_BYTES"),
        description="Largest accepted avatar image, in bytes.",
    )
    browse_roots: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path(p) for p in DEFAULT_BROWSE_ROOTS.split(",")],
        validation_alias=_env("BROWSE_ROOTS"),
        description="Folders the setup and admin folder browser may show, comma-separated "
        "(the library folders are always allowed).",
    )

    artist_separators: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [" feat. ", " ft. ", " featuring ", ";", " / "],
        validation_alias=_env("ARTIST_SEPARATORS"),
        description="Where one artist tag holds several artists, separated by '|' "
        "(names like AC/DC stay whole).",
    )
    scan_workers: int = Field(
        0,
        ge=0,
        le=64,
        validation_alias=_env("SCAN_WORKERS"),
        description="Processes for tag parsing and covers; 0 means one per CPU core.",
    )
    watch_library: bool = Field(
        True,
        validation_alias=_env("WATCH_LIBRARY", "AUTO_SCAN"),
        description="Watch the library folders and scan changes as they happen.",
    )
    transcode_max_concurrent: int = Field(
        4,
        ge=1,
        le=256,
        validation_alias=_env("TRANSCODE_MAX_CONCURRENT"),
        description="Transcodes running at once in one serve process (each uses about one "
        "CPU core); more get 429 with Retry-After.",
    )
    transcode_max_per_user: int = Field(
        2,
        ge=1,
        le=64,
        validation_alias=_env("TRANSCODE_MAX_PER_USER"),
        description="Transcodes one user may run at once, across all serve processes.",
    )
    transcode_cache_mb: int = Field(
        1024,
        ge=0,
        validation_alias=_env("TRANSCODE_CACHE_MB"),
        description="Size limit of the cache of finished transcodes in DATA_DIR/transcodes, "
        "least recently used evicted first; 0 turns the cache off.",
    )
    transcode_default_format: TranscodeFormat = Field(
        "opus",
        validation_alias=_env("TRANSCODE_DEFAULT_FORMAT"),
        description="Format (opus, mp3 or aac) for files a browser cannot play "
        "when the client asks for none.",
    )

    play_history_days: int = Field(
        180,
        ge=0,
        validation_alias=_env("PLAY_HISTORY_DAYS"),
        description="Days of play history kept; older plays are deleted daily (play counts "
        "per track, album and artist stay). 0 keeps the history forever.",
    )
    lufs_concurrency: int = Field(
        0,
        ge=0,
        le=64,
        validation_alias=_env("LUFS_CONCURRENCY", "LUFS_CONCURRENCY"),
        description="Files measured for loudness at once, per process; 0 means half the CPU "
        "cores (at least 1).",
    )
    lufs_timeout_seconds: float = Field(
        600.0,
        gt=0,
        validation_alias=_env("LUFS_TIMEOUT_SECONDS"),
        description="A file whose loudness measurement takes longer is marked failed and its "
        "process replaced.",
    )

    dj_concurrency: int = Field(
        0,
        ge=0,
        le=64,
        validation_alias=_env("DJ_CONCURRENCY", "DJ_ANALYSIS_CONCURRENCY"),
        description="Files analysed for tempo, key and energy at once, per process; 0 means "
        "half the CPU cores (at least 1). Loudness and DJ analysis share one pool of the "
        "larger of the two sizes.",
    )
    dj_timeout_seconds: float = Field(
        120.0,
        gt=0,
        validation_alias=_env("DJ_TIMEOUT_SECONDS"),
        description="A file whose DJ analysis takes longer is marked failed and its process "
        "replaced.",
    )

    @field_validator("library", "browse_roots", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_list(value)

    @field_validator("artist_separators", mode="before")
    @classmethod
    def _pipe_separated(cls, value: object) -> object:
        # Separators contain commas' usual companions (spaces), so they are split on '|'.
        if isinstance(value, str):
            return [part for part in value.split("|") if part.strip(" ")]
        return value

    @field_validator("library", "browse_roots")
    @classmethod
    def _absolute(cls, paths: list[Path]) -> list[Path]:
        return [path.expanduser().absolute() for path in paths]

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, path: Path) -> Path:
        return path.expanduser().absolute()

    @field_validator("jwt_secret", "jwt_refresh_secret")
    @classmethod
    def _long_enough(cls, secret: str) -> str:
        if secret and len(secret) < 32:
            raise ValueError("must be at least 32 characters")
        return secret

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, url: str) -> str:
        """Accept the plain postgres URLs of the original compose files."""
        for plain in ("postgres://", "postgresql://"):
            if url.startswith(plain):
                return "postgresql+asyncpg://" + url.removeprefix(plain)
        if url and not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with postgresql:// or sqlite+aiosqlite://")
        return url

    @model_validator(mode="after")
    def _derived_urls(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir / 'echo.db'}"
        if not self.redis_url and self.redis_host:
            auth = f":{quote(self.redis_password, safe='')}@" if self.redis_password else ""
            self.redis_url = f"redis://{auth}{self.redis_host}:{self.redis_port}/0"
        return self

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def describe_error(error: ValidationError) -> str:
    """One line naming the first invalid variable, for the start-up failure message."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    variable = field if field.isupper() else f"ECHO_{field.upper()}"
    return f"Invalid setting {variable}: {first['msg']}"
