"""Stream tokens, audio streams with Range support, downloads, album archives and lyrics."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from email.utils import formatdate
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.types import Receive, Scope, Send

from echo.core.http import error_body
from echo.features.auth.dependencies import (
    CurrentUser,
    CurrentUserDuringPasswordChange,
    ServicesDep,
)
from echo.features.streaming import service, transcoding
from echo.features.streaming.dependencies import StreamUserDep
from echo.features.streaming.media import RangeNotSatisfiable, content_disposition, parse_range
from echo.features.streaming.schemas import Lyrics, StreamTokenResponse
from echo.features.streaming.service import MediaFile
from echo.features.streaming.transcoding import TranscodePlan
from echo.features.streaming.zipstream import zip_stream

router = APIRouter(tags=["streaming"])

AUDIO_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"audio/*": {}}, "description": "The whole file"},
    206: {"content": {"audio/*": {}}, "description": "The requested byte range"},
    401: {"description": "No valid stream token"},
    422: {"description": "The file cannot be decoded for transcoding"},
    429: {"description": "Too many transcodes running; see Retry-After"},
    403: {"description": "The file is outside the library and data folders"},
    404: {"description": "Unknown track, or its file is missing"},
    416: {"description": "Range not satisfiable"},
}


class ClosingStreamingResponse(StreamingResponse):
    """Closes the body generator however the response ends, so a client that disconnects
    releases its file, archive or transcoder at once rather than at garbage collection.
    `on_close` runs even when the body was never started (a generator that never ran has no
    finally to run)."""

    def __init__(
        self,
        content: AsyncIterator[bytes | memoryview],
        *,
        on_close: Callable[[], Awaitable[None]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(content, **kwargs)
        self._on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Shielded: after a disconnect the request's scope is cancelled, and every await
            # of an unshielded cleanup (a Redis call releasing a slot) would be cancelled too.
            with anyio.CancelScope(shield=True):
                aclose = getattr(self.body_iterator, "aclose", None)
                if aclose is not None:
                    await aclose()
                if self._on_close is not None:
                    await self._on_close()


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
    track_id: uuid.UUID,
    request: Request,
    user: StreamUserDep,
    services: ServicesDep,
    format: Annotated[
        Literal["opus", "mp3", "aac", "raw"] | None,
        Query(description="Transcode to this format; raw sends the file as it is"),
    ] = None,
    bitrate: Annotated[int | None, Query(ge=32, le=320, description="kbit/s")] = None,
    offset: Annotated[
        float, Query(ge=0, le=86_400, description="Start this many seconds in (transcodes)")
    ] = 0,
) -> Response:
    """The file as it is when a browser can play it and no format is asked for, with Range
    support; otherwise a transcode, streamed as it is encoded (a finished one is cached and
    then served like a file)."""
    media = await service.locate_track_file(services, track_id)
    default = services.settings.transcode_default_format
    plan = transcoding.plan_stream(media, format, bitrate, offset, default)
    if plan is None:
        return file_response(request, media)
    cached = await transcoding.cached_transcode(services, media, plan)
    if cached is not None:
        return file_response(request, cached)
    return await _transcode_response(request, services, user.id, media, plan)


async def _transcode_response(
    request: Request,
    services: ServicesDep,
    user_id: uuid.UUID,
    media: MediaFile,
    plan: TranscodePlan,
) -> Response:
    headers = {
        # Encoded on the fly, so neither the length nor byte offsets are known: seeking is
        # a new request with `offset`.
        "Accept-Ranges": "none",
        "Cache-Control": "no-store",
        "X-Content-Duration": f"{max(0.0, media.duration - plan.offset):.3f}",
    }
    if request.method == "HEAD":
        return Response(headers=headers, media_type=plan.mime)
    running, first = await transcoding.start_transcode(services, user_id, media, plan)
    return ClosingStreamingResponse(
        running.chunks(first), on_close=running.close, headers=headers, media_type=plan.mime
    )


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
