"""/api/users routes (self-service) and the avatar image."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, UploadFile
from fastapi.responses import FileResponse

from echo.core.errors import PayloadTooLarge
from echo.features.auth.dependencies import AuthenticatedDep, CurrentUser, ServicesDep
from echo.features.users import service
from echo.features.users.schemas import (
    AvatarResponse,
    ChangePasswordRequest,
    HomePreferences,
    HomePreferencesRequest,
    LanguageRequest,
    Privacy,
    PrivacyRequest,
    ProfileRequest,
    ThemeRequest,
    UserProfile,
)

router = APIRouter(prefix="/users", tags=["users"])
images_router = APIRouter(prefix="/images", tags=["images"])


@router.put("/password", status_code=204)
async def change_password(
    body: ChangePasswordRequest, auth: AuthenticatedDep, services: ServicesDep
) -> None:
    await service.change_password(
        services, auth.user.id, body.current_password, body.new_password, auth.claims.session_id
    )


@router.put("/profile")
async def update_profile(
    body: ProfileRequest, user: CurrentUser, services: ServicesDep
) -> UserProfile:
    return await service.update_profile(services, user.id, body.name)


@router.put("/theme", status_code=204)
async def set_theme(body: ThemeRequest, user: CurrentUser, services: ServicesDep) -> None:
    await service.update_preferences(services, user.id, theme=body.theme)


@router.put("/language", status_code=204)
async def set_language(body: LanguageRequest, user: CurrentUser, services: ServicesDep) -> None:
    await service.update_preferences(services, user.id, language=body.language)


@router.post("/avatar", responses={413: {}, 415: {}})
async def upload_avatar(
    file: UploadFile, user: CurrentUser, services: ServicesDep
) -> AvatarResponse:
    limit = services.settings.avatar_max_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"Avatar must be at most {limit / 1024 / 1024:g} MB")
    return await service.save_avatar(services, user.id, data)


@router.delete("/avatar", status_code=204)
async def delete_avatar(user: CurrentUser, services: ServicesDep) -> None:
    await service.delete_avatar(services, user.id)


@router.get("/privacy")
async def get_privacy(user: CurrentUser, services: ServicesDep) -> Privacy:
    return await service.get_privacy(services, user.id)


@router.put("/privacy")
async def update_privacy(body: PrivacyRequest, user: CurrentUser, services: ServicesDep) -> Privacy:
    return await service.update_privacy(services, user.id, body)


@router.get("/home-preferences")
async def get_home_preferences(user: CurrentUser, services: ServicesDep) -> HomePreferences:
    return await service.get_home_preferences(services, user.id)


@router.put("/home-preferences")
async def set_home_preferences(
    body: HomePreferencesRequest, user: CurrentUser, services: ServicesDep
) -> HomePreferences:
    return await service.set_home_preferences(services, user.id, body.home_sections)


@images_router.get(
    "/users/{user_id}/avatar",
    response_class=FileResponse,
    responses={200: {"content": {"image/*": {}}}, 304: {}, 404: {}},
)
async def user_avatar(user_id: uuid.UUID, request: Request, services: ServicesDep) -> Response:
    path, mime, etag = await service.avatar_file(services, user_id)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=mime, headers=headers)
