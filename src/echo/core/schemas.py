"""Base models for the JSON API: camelCase on the wire, unknown input fields refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Response model; built from ORM objects or keyword arguments."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, from_attributes=True, serialize_by_alias=True
    )


class InputModel(BaseModel):
    """Request body; extra fields are an error, as in the original's whitelist validation."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=False
    )


class Message(ApiModel):
    message: str
