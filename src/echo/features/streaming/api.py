"""Stream tokens, audio streams with Range support, downloads, album archives and lyrics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from email.utils import formatdate

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import Receive, Scope, Send

from echo.core.http import error_body
from echo.features.auth.dependencies import (
    CurrentUser,
    CurrentUserDuringPasswordChange,
    ServicesDep,
)
from echo.features.streaming import service
from echo.features.streaming.dependencies import StreamUserDep
from echo.features.streaming.media import RangeNotSatisfiable, content_disposition, parse_range
from echo.features.streaming.schemas import Lyrics, StreamTokenResponse
from echo.features.streaming.service import MediaFile
from echo.features.streaming.zipstream import zip_stream

router = APIRouter(tags=["streaming"])

AUDIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"audio/*": {}}, "description": "The whole file"},
    206: {"content": {"audio/*": {}}, "description": "The requested byte range"},
    401: {"description": "No valid stream token"},
    403: {"description": "The file is outside the library and data folders"},
    404: {"description": "Unknown track, or its file is missing"},
    416: {"description": "Range not satisfiable"},
}


class ClosingStreamingResponse(StreamingResponse):
    """Closes the body generator however the response ends, so a client that disconnects
    releases its file, archive or transcoder at once rather than at garbage collection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            if isinstance(self.body_iterator, AsyncIterator):
                aclose = getattr(self.body_iterator, "aclose", None)
                if aclose is not None:
                    await aclose()


@router.post("/stream-token/generate")
async def generate_stream_token(
    user: CurrentUserDuringPasswordChange, services: ServicesDep
) -> StreamTokenResponse:
    return await service.issue_stream_token(services, user.id)


@router.get("/stream-token", description="Issues a fresh token, like POST /generate.")
async def get_stream_token(
    user: CurrentUserDuringPasswordChange, services: ServicesDep
) -> StreamTokenResponse:
    return await service.issue_stream_token(services, user.id)


@router.delete("/stream-token", status_code=204)
async def revoke_stream_token(user: CurrentUserDuringPasswordChange, services: ServicesDep) -> None:
    await service.revoke_stream_token(services, user.id)


def file_response(request: Request, media: MediaFile, *, attachment: bool = False) -> Response:
    """200 or 206 with the bytes of `media`; 416 with the size when the range misses it."""
    last_modified = formatdate(media.mtime_ns / 1e9, usegmt=True)
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": "public, max-age=31536000",
        "ETag": media.etag,
        "Last-Modified": last_modified,
    }
    if attachment:
        headers["Content-Disposition"] = content_disposition(media.download_name)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range not in (media.etag, last_modified):
        range_header = None  # the client's partial copy is of another version: send it all
    try:
        byte_range = parse_range(range_header, media.size)
    except RangeNotSatisfiable:
        body = error_body(416, "Range Not Satisfiable", "Range not satisfiable", request.url.path)
        headers = {"Content-Range": f"bytes */{media.size}", "Accept-Ranges": "bytes"}
        return JSONResponse(body, status_code=416, headers=headers)
    status, start, length = 200, 0, media.size
    if byte_range is not None:
        status, start, length = 206, byte_range.start, byte_range.length
        headers["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{media.size}"
    headers["Content-Length"] = str(length)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media.mime)
    return ClosingStreamingResponse(
        service.read_file(media.path, start, length),
        status_code=status,
        headers=headers,
        media_type=media.mime,
    )


@router.api_route(
    "/tracks/{track_id:uuid}/stream",
    methods=["GET", "HEAD"],
    response_class=Response,
    responses=AUDIO_RESPONSES,
)
async def stream_track(
    track_id: uuid.UUID, request: Request, user: StreamUserDep, services: ServicesDep
) -> Response:
    media = await service.locate_track_file(services, track_id)
    return file_response(request, media)


@router.api_route(
    "/tracks/{track_id:uuid}/download",
    methods=["GET", "HEAD"],
    response_class=Response,
    responses=AUDIO_RESPONSES,
)
async def download_track(
    track_id: uuid.UUID, request: Request, user: StreamUserDep, services: ServicesDep
) -> Response:
    media = await service.locate_track_file(services, track_id)
    return file_response(request, media, attachment=True)


@router.get(
    "/albums/{album_id:uuid}/download",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}, 401: {}, 404: {}},
)
async def download_album(
    album_id: uuid.UUID, user: StreamUserDep, services: ServicesDep
) -> Response:
    archive = await service.album_archive(services, album_id)
    headers = {
        "Content-Disposition": content_disposition(archive.filename),
        "X-Estimated-Size": str(archive.estimated_size),
        "Cache-Control": "no-store",
    }
    return ClosingStreamingResponse(
        zip_stream(archive.entries), media_type="application/zip", headers=headers
    )


@router.get("/tracks/{track_id:uuid}/lyrics", responses={404: {}})
async def track_lyrics(track_id: uuid.UUID, user: CurrentUser, services: ServicesDep) -> Lyrics:
    return await service.track_lyrics(services, track_id)
