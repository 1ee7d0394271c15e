"""Process logging: one format, and no credentials in access logs."""

from __future__ import annotations

import logging
import re

# Stream URLs and SSE carry tokens in the query string (media elements cannot send headers).
_TOKEN_IN_QUERY = re.compile(r"((?:^|[?&])(?:token|t|p|password)=)[^&\s\"]*", re.IGNORECASE)


def redact(text: str) -> str:
    return _TOKEN_IN_QUERY.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """For uvicorn's access log, whose arguments include the full request path."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        return True


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
