"""Request and response bodies of /api/users."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from echo.core.schemas import ApiModel, InputModel
from echo.features.users.models import HOME_SECTION_IDS

Theme = Literal["dark", "light", "auto"]
Language = Literal["en", "es", "fr"]


class UserProfile(ApiModel):
    id: uuid.UUID
    username: str
    name: str | None
    is_admin: bool
    is_active: bool
    must_change_password: bool
    has_avatar: bool
    theme: str
    language: str
    created_at: datetime
    updated_at: datetime


class ChangePasswordRequest(InputModel):
    current_password: str | None = Field(None, max_length=128)
    new_password: str = Field(max_length=128)


class ProfileRequest(InputModel):
    name: str = Field(max_length=100)


class ThemeRequest(InputModel):
    theme: Theme


class LanguageRequest(InputModel):
    language: Language


class AvatarResponse(ApiModel):
    avatar_path: str
    avatar_url: str
    avatar_size: int
    avatar_mime_type: str


class Privacy(ApiModel):
    is_public_profile: bool
    show_top_tracks: bool
    show_top_artists: bool
    show_top_albums: bool
    show_playlists: bool
    bio: str | None


class PrivacyRequest(InputModel):
    is_public_profile: bool | None = None
    show_top_tracks: bool | None = None
    show_top_artists: bool | None = None
    show_top_albums: bool | None = None
    show_playlists: bool | None = None
    bio: str | None = Field(None, max_length=500)

    @field_validator(
        "is_public_profile",
        "show_top_tracks",
        "show_top_artists",
        "show_top_albums",
        "show_playlists",
    )
    @classmethod
    def _switch_not_null(cls, value: bool | None) -> bool | None:
        # Only runs for fields that were sent: leaving a switch out keeps it, null is an error.
        if value is None:
            raise ValueError("must be true or false; leave the field out to keep it")
        return value


class HomeSection(ApiModel):
    id: Literal[HOME_SECTION_IDS]  # type: ignore[valid-type]
    enabled: bool
    order: int = Field(ge=0, le=len(HOME_SECTION_IDS) - 1)


class HomeSectionInput(InputModel):
    id: Literal[HOME_SECTION_IDS]  # type: ignore[valid-type]
    enabled: bool
    order: int = Field(ge=0, le=len(HOME_SECTION_IDS) - 1)


class HomePreferences(ApiModel):
    home_sections: list[HomeSection]


class HomePreferencesRequest(InputModel):
    home_sections: list[HomeSectionInput]

    @field_validator("home_sections")
    @classmethod
    def _complete(cls, sections: list[HomeSectionInput]) -> list[HomeSectionInput]:
        if sorted(s.id for s in sections) != sorted(HOME_SECTION_IDS):
            raise ValueError(f"must list each of the {len(HOME_SECTION_IDS)} sections exactly once")
        if sorted(s.order for s in sections) != list(range(len(HOME_SECTION_IDS))):
            raise ValueError(f"orders must be 0 to {len(HOME_SECTION_IDS) - 1}, each once")
        return sections
