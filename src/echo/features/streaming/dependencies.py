"""Who is streaming: a stream token (query or header), or an access token for API clients."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from echo.core.errors import Unauthorized
from echo.features.auth import service as auth_service
from echo.features.auth.dependencies import ServicesDep
from echo.features.streaming import service
from echo.features.streaming.service import StreamUser

_bearer = HTTPBearer(auto_error=False, description="Access token, for clients that send headers")


async def stream_user(
    services: ServicesDep,
    token: Annotated[
        str | None, Query(description="Stream token from /api/stream-token/generate")
    ] = None,
    x_stream_token: Annotated[str | None, Header()] = None,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> StreamUser:
    """Media elements cannot send headers, hence the query token. Streaming stays allowed
    while the user must change a temporary password."""
    stream_token = token or x_stream_token
    if stream_token:
        return await service.user_for_stream_token(services, stream_token)
    if credentials is not None:
        auth = await auth_service.authenticate(services, credentials.credentials)
        return StreamUser(auth.user.id, auth.user.username)
    raise Unauthorized("A stream token is required")


StreamUserDep = Annotated[StreamUser, Depends(stream_user)]
