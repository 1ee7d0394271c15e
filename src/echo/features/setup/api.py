"""/api/setup routes: public, throttled as a whole, locked once setup is complete."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from echo.core.http import route_rate_limit
from echo.features.auth.dependencies import ServicesDep
from echo.features.setup import service
from echo.features.setup.schemas import (
    ApiKeysRequest,
    CompleteResponse,
    CreateAdminRequest,
    CreatedAdmin,
    CreatedDirectory,
    DirectoryListing,
    LibraryValidation,
    MkdirRequest,
    PathRequest,
    SetupStatus,
)


def _setup_limit(request: Request) -> int:
    return int(request.app.state.services.settings.rate_limit_setup)


async def _before_completion(services: ServicesDep) -> None:
    await service.ensure_not_completed(services)


router = APIRouter(
    prefix="/setup",
    tags=["setup"],
    dependencies=[Depends(route_rate_limit("setup", _setup_limit))],
)
Mutating = [Depends(_before_completion)]


@router.get("/status")
async def status(services: ServicesDep) -> SetupStatus:
    return await service.status(services)


@router.post("/admin", status_code=201, dependencies=Mutating)
async def create_admin(body: CreateAdminRequest, services: ServicesDep) -> CreatedAdmin:
    return await service.create_admin(services, body.username, body.password)


@router.delete("/admin", status_code=204, dependencies=Mutating)
async def delete_admin(services: ServicesDep) -> None:
    await service.delete_admins(services)


@router.post("/library", dependencies=Mutating)
async def set_library(body: PathRequest, services: ServicesDep) -> LibraryValidation:
    return await service.set_library(services, body.path)


@router.post("/browse", dependencies=Mutating)
async def browse(body: PathRequest, services: ServicesDep) -> DirectoryListing:
    return await service.browse(services, body.path)


@router.post("/browse/mkdir", status_code=201, dependencies=Mutating)
async def make_directory(body: MkdirRequest, services: ServicesDep) -> CreatedDirectory:
    return CreatedDirectory(path=await service.make_directory(services, body.path, body.name))


@router.post("/api-keys", status_code=204, dependencies=Mutating)
async def save_api_keys(body: ApiKeysRequest, services: ServicesDep) -> None:
    await service.save_api_keys(services, {"lastfm": body.lastfm, "fanart": body.fanart})


@router.post("/complete")
async def complete(services: ServicesDep) -> CompleteResponse:
    return await service.complete(services)
