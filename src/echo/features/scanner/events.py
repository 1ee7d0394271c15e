"""The /scanner Socket.IO namespace: its name, rooms and the shapes of the scan events."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any

from echo.features.scanner.pipeline import ScanProgress

NAMESPACE = "/scanner"


def scan_room(scan_id: uuid.UUID | str) -> str:
    return f"scan:{scan_id}"


def timestamp() -> str:
    return datetime.now(UTC).isoformat()


def progress_event(progress: ScanProgress) -> dict[str, Any]:
    return {
        "scanId": str(progress.scan_id),
        "status": progress.status,
        "progress": progress.percent,
        "filesScanned": progress.files_done,
        "totalFiles": progress.files_total,
        "tracksCreated": progress.tracks_added,
        "tracksUpdated": progress.tracks_updated + progress.tracks_moved,
        "albumsCreated": progress.albums_added,
        "artistsCreated": progress.artists_added,
        "coversExtracted": progress.covers_extracted,
        "videosFound": 0,
        "errors": progress.errors,
        "currentFile": progress.current_file,
    }


def completed_event(result: ScanProgress) -> dict[str, Any]:
    return {
        "scanId": str(result.scan_id),
        "status": result.status,
        "totalFiles": result.files_total,
        "tracksCreated": result.tracks_added,
        "tracksUpdated": result.tracks_updated + result.tracks_moved,
        "tracksSkipped": result.tracks_unchanged,
        "tracksMissing": result.tracks_missing,
        "tracksDeleted": result.tracks_deleted,
        "albumsCreated": result.albums_added,
        "artistsCreated": result.artists_added,
        "coversExtracted": result.covers_extracted,
        "videosFound": 0,
        "errors": result.errors,
        "duration": int((time.monotonic() - result.started) * 1000),
        "timestamp": timestamp(),
    }
