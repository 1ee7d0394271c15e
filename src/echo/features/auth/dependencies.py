"""FastAPI dependencies: the services container, the current user, the admin check."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from echo.bootstrap import Services
from echo.core.errors import Forbidden, MustChangePassword, Unauthorized
from echo.features.auth import service
from echo.features.auth.service import Authenticated
from echo.features.users.models import User

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


async def get_services(request: Request) -> Services:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a hop on every request.
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def authenticated(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Authenticated:
    """Any valid token, even of a user who must change the password first."""
    if credentials is None:
        raise Unauthorized("Authentication required")
    return await service.authenticate(services, credentials.credentials)


async def current_user_during_password_change(
    auth: Annotated[Authenticated, Depends(authenticated)],
) -> User:
    """For the few routes a user may reach before changing a temporary password."""
    return auth.user


async def current_user(auth: Annotated[Authenticated, Depends(authenticated)]) -> User:
    if auth.user.must_change_password:
        raise MustChangePassword()
    return auth.user


async def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise Forbidden("Administrator access required")
    return user


AuthenticatedDep = Annotated[Authenticated, Depends(authenticated)]
CurrentUser = Annotated[User, Depends(current_user)]
CurrentUserDuringPasswordChange = Annotated[User, Depends(current_user_during_password_change)]
AdminUser = Annotated[User, Depends(admin_user)]
