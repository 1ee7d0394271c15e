"""/api/images/albums/{id}/cover and /api/albums/{id}/cover: public, never throttled."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from echo.features.auth.dependencies import ServicesDep
from echo.features.images import service
from echo.features.images.service import ImageFile

router = APIRouter(prefix="/images", tags=["images"])
albums_router = APIRouter(prefix="/albums", tags=["images"])

IMMUTABLE = "public, max-age=31536000, immutable"
IMAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"image/*": {}}},
    304: {"description": "Not modified (If-None-Match)"},
    404: {"description": "Unknown album"},
}


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    # If-None-Match compares weakly: a W/ prefix added by a proxy still matches.
    return etag in (tag.strip().removeprefix("W/") for tag in if_none_match.split(","))


def _image_response(request: Request, image: ImageFile, headers: dict[str, str]) -> Response:
    headers = {"ETag": image.etag, **headers}
    if _matches(request.headers.get("if-none-match"), image.etag):
        return Response(status_code=304, headers=headers)
    return FileResponse(image.path, media_type=image.mime, headers=headers)


@router.get("/albums/{album_id:uuid}/cover", response_class=FileResponse, responses=IMAGE_RESPONSES)
async def album_cover(
    album_id: uuid.UUID,
    request: Request,
    services: ServicesDep,
    size: Annotated[
        Literal["200", "300", "500", "thumb", "small", "medium"] | None,
        Query(description="Square-bounded size in pixels; the original when absent"),
    ] = None,
    v: Annotated[
        str | None, Query(max_length=64, description="Cover version; makes the URL immutable")
    ] = None,
    tag: Annotated[str | None, Query(max_length=64, description="Another name for v")] = None,
) -> Response:
    """WebP when the client accepts it, else JPEG (sizes); the stored format (original)."""
    version = v or tag
    webp = service.accepts_webp(request.headers.get("accept"))
    image = await service.album_cover(services, album_id, service.pixel_size(size), webp, version)
    headers: dict[str, str] = {}
    if size is not None:
        headers["Vary"] = "Accept"
    if image.placeholder:
        # The album may get a cover at the next scan, so the placeholder is always revalidated.
        headers["Cache-Control"] = "no-cache"
    elif version:
        headers["Cache-Control"] = IMMUTABLE
    else:
        headers["Cache-Control"] = "public, no-cache"
    return _image_response(request, image, headers)


@albums_router.get("/{album_id:uuid}/cover", response_class=FileResponse, responses=IMAGE_RESPONSES)
async def album_cover_file(
    album_id: uuid.UUID, request: Request, services: ServicesDep
) -> Response:
    """The original cover image; 404 when the album has none."""
    image = await service.album_cover_original(services, album_id)
    return _image_response(request, image, {"Cache-Control": "public, max-age=2592000"})
