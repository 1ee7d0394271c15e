"""/api/scanner routes (admin only)."""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from echo.core.http import route_rate_limit
from echo.core.paths import resolve_within
from echo.features.auth.dependencies import AdminUser, ServicesDep, admin_user
from echo.features.scanner import service
from echo.features.scanner.schemas import (
    MissingFiles,
    PurgeMode,
    PurgeModeRequest,
    PurgeResult,
    ScanList,
    ScanStarted,
    ScanView,
    StartScanRequest,
)

router = APIRouter(prefix="/scanner", tags=["scanner"], dependencies=[Depends(admin_user)])

SCAN_STARTS_PER_MINUTE = 3


def _start_limit(_: Request) -> int:
    return SCAN_STARTS_PER_MINUTE


@router.post(
    "/start",
    status_code=202,
    dependencies=[Depends(route_rate_limit("scan-start", _start_limit))],
    responses={409: {"description": "A scan is already running (SCAN_ALREADY_RUNNING)"}},
)
async def start_scan(
    admin: AdminUser, services: ServicesDep, body: StartScanRequest | None = None
) -> ScanStarted:
    paths = None
    if body is not None and body.path:
        roots = await service.library_roots(services)
        paths = [str(resolve_within(body.path, [Path(root) for root in roots]))]
    scan_id = await service.queue_scan(services, paths=paths)
    scan = await service.get_scan(services, scan_id)
    return ScanStarted(
        id=scan.id, status=scan.status, started_at=scan.started_at, message="Scan queued"
    )


@router.get("")
async def list_scans(
    services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ScanList:
    scans, total = await service.list_scans(services, page, limit)
    return ScanList(
        scans=scans, total=total, page=page, limit=limit, total_pages=math.ceil(total / limit)
    )


@router.get("/missing-files")
async def missing_files(services: ServicesDep) -> MissingFiles:
    return await service.missing_files(services)


@router.post("/missing-files/purge")
async def purge_missing(services: ServicesDep) -> PurgeResult:
    return await service.purge_missing(services)


@router.get("/missing-files/purge-mode")
async def purge_mode(services: ServicesDep) -> PurgeMode:
    return PurgeMode(mode=str(await service.purge_policy(services)))


@router.put("/missing-files/purge-mode")
async def set_purge_mode(body: PurgeModeRequest, services: ServicesDep) -> PurgeMode:
    return PurgeMode(mode=str(await service.set_purge_policy(services, body.mode)))


@router.delete("/missing-files/{track_id}")
async def delete_missing_file(track_id: uuid.UUID, services: ServicesDep) -> PurgeResult:
    await service.delete_missing_track(services, track_id)
    return PurgeResult(success=True, deleted=1, message="Missing track deleted")


@router.get("/{scan_id}")
async def get_scan(scan_id: uuid.UUID, services: ServicesDep) -> ScanView:
    return await service.get_scan(services, scan_id)
