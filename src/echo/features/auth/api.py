"""/api/auth routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from echo.core.http import route_rate_limit
from echo.core.schemas import Message
from echo.features.auth import service
from echo.features.auth.dependencies import (
    AuthenticatedDep,
    CurrentUserDuringPasswordChange,
    ServicesDep,
)
from echo.features.auth.schemas import (
    LoginRequest,
    LoginResponse,
    MeResponse,
    MeUser,
    RefreshRequest,
    TokenPair,
)

router = APIRouter(prefix="/auth", tags=["auth"])


def _login_limit(request: Request) -> int:
    return int(request.app.state.services.settings.rate_limit_login)


def _refresh_limit(request: Request) -> int:
    return int(request.app.state.services.settings.rate_limit_refresh)


@router.post(
    "/login",
    dependencies=[Depends(route_rate_limit("login", _login_limit))],
    responses={401: {"description": "Bad credentials or inactive user"}},
)
async def login(body: LoginRequest, services: ServicesDep) -> LoginResponse:
    return await service.login(services, body.username, body.password)


@router.post("/refresh", dependencies=[Depends(route_rate_limit("refresh", _refresh_limit))])
async def refresh(body: RefreshRequest, services: ServicesDep) -> TokenPair:
    return await service.refresh(services, body.refresh_token)


@router.post("/logout")
async def logout(auth: AuthenticatedDep, services: ServicesDep) -> Message:
    await service.logout(services, auth)
    return Message(message="Logged out")


@router.get("/me")
async def me(user: CurrentUserDuringPasswordChange) -> MeResponse:
    return MeResponse(user=MeUser.model_validate(user))
