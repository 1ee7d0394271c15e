"""Response bodies of the streaming routes."""

from __future__ import annotations

from datetime import datetime

from echo.core.schemas import ApiModel


class StreamTokenResponse(ApiModel):
    token: str
    expires_at: datetime


class LyricLine(ApiModel):
    time_ms: int
    text: str


class Lyrics(ApiModel):
    plain: str | None
    synced: list[LyricLine]
