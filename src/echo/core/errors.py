"""Domain errors raised by services; core/http.py maps them to HTTP in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user can cause; `status` is the HTTP status it maps to."""

    status = 400
    code = "BadRequest"

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


class InvalidInput(DomainError):
    status = 400
    code = "Bad Request"


class Unauthorized(DomainError):
    status = 401
    code = "Unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "Forbidden"


class NotFound(DomainError):
    status = 404
    code = "Not Found"


class Conflict(DomainError):
    status = 409
    code = "Conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "Payload Too Large"


class UnsupportedMedia(DomainError):
    status = 415
    code = "Unsupported Media Type"


class Unprocessable(DomainError):
    """Well-formed request about content that cannot be processed (e.g. an undecodable file)."""

    status = 422
    code = "Unprocessable Entity"


class TooManyRequests(DomainError):
    status = 429
    code = "Too Many Requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class MustChangePassword(DomainError):
    status = 403
    code = "MustChangePassword"

    def __init__(self) -> None:
        super().__init__("You must change your password first", mustChangePassword=True)


class ServiceUnavailable(DomainError):
    status = 503
    code = "Service Unavailable"
