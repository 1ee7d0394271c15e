"""Request and response bodies of /api/scanner."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import Field

from echo.core.schemas import ApiModel, InputModel
from echo.features.scanner.models import LibraryScan


class StartScanRequest(InputModel):
    path: str | None = Field(None, max_length=4096, description="Only this folder (incremental)")
    recursive: bool = True
    prune_deleted: bool = True


class ScanStarted(ApiModel):
    id: uuid.UUID
    status: str
    started_at: datetime
    message: str


class ScanView(ApiModel):
    id: uuid.UUID
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    files_scanned: int
    tracks_added: int
    tracks_updated: int
    tracks_deleted: int
    tracks_missing: int
    total_changes: int
    errors: int
    duration_ms: int | None
    error_message: str | None

    @classmethod
    def from_scan(cls, scan: LibraryScan) -> ScanView:
        duration = (
            int((scan.finished_at - scan.started_at).total_seconds() * 1000)
            if scan.finished_at
            else None
        )
        return cls(
            id=scan.id,
            kind=scan.kind,
            status=scan.status,
            started_at=scan.started_at,
            finished_at=scan.finished_at,
            files_scanned=scan.files_scanned,
            tracks_added=scan.tracks_added,
            tracks_updated=scan.tracks_updated,
            tracks_deleted=scan.tracks_deleted,
            tracks_missing=scan.tracks_missing,
            total_changes=scan.tracks_added + scan.tracks_updated + scan.tracks_deleted,
            errors=scan.errors,
            duration_ms=duration,
            error_message=scan.error_message,
        )


class ScanList(ApiModel):
    scans: list[ScanView]
    total: int
    page: int
    limit: int
    total_pages: int


class MissingTrack(ApiModel):
    id: uuid.UUID
    title: str
    path: str
    album_name: str
    artist_name: str
    missing_at: datetime


class MissingFiles(ApiModel):
    tracks: list[MissingTrack]
    count: int
    purge_mode: str


class PurgeResult(ApiModel):
    success: bool
    deleted: int
    message: str


class PurgeMode(ApiModel):
    mode: str


class PurgeModeRequest(InputModel):
    mode: str = Field(min_length=1, max_length=32)
