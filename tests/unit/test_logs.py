"""Access-log lines never carry the tokens that stream and event URLs hold in their query."""

from __future__ import annotations

import logging

from echo.core.logs import RedactTokens, redact


def test_tokens_in_query_strings_are_redacted() -> None:
    assert redact("/api/tracks/1/stream?token=abc123&format=opus") == (
        "/api/tracks/1/stream?token=[redacted]&format=opus"
    )
    assert redact("/rest/stream.view?u=bob&t=deadbeef&s=salt") == (
        "/rest/stream.view?u=bob&t=[redacted]&s=salt"
    )
    assert redact("/api/health") == "/api/health"


def test_the_access_log_filter_rewrites_the_path_argument() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/events/stream?token=eyJhbGciOi", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "eyJhbGciOi" not in record.getMessage()
    assert "token=[redacted]" in record.getMessage()
