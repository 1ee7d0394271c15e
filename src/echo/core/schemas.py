"""Base models for the JSON API: camelCase on the wire, unknown input fields refused."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Response model; built from ORM objects or keyword arguments."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        serialize_by_alias=True,
    )


class InputModel(BaseModel):
    """Request body; extra fields are an error, as in the original's whitelist validation."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=False
    )

    @field_validator("*")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        # PostgreSQL cannot store U+0000 in text and file systems cannot name it: a 400, not a 500.
        if _has_nul(value):
            raise ValueError("must not contain a NUL character")
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


class Message(ApiModel):
    message: str
