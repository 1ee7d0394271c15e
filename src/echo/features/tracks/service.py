"""Track use cases (spec §2.7): reads through the cache-aside track repository."""

from __future__ import annotations

import random
import uuid

from echo.bootstrap import Services
from echo.core.errors import NotFound
from echo.core.paging import SkipPage
from echo.core.search import search_term
from echo.features.tracks.schemas import ShufflePage, TrackView


async def list_tracks(services: Services, skip: int, take: int) -> SkipPage[TrackView]:
    """Tracks whose file is present, newest first."""
    tracks = services.library.tracks
    async with services.sessions() as session:
        items = await tracks.newest(session, skip, take)
        total = await tracks.count(session)
    return SkipPage[TrackView].of(items, total, skip, take)


async def get_track(services: Services, track_id: uuid.UUID) -> TrackView:
    async with services.sessions() as session:
        track = await services.library.tracks.get(session, track_id)
    if track is None:
        raise NotFound("Track not found")
    return track


async def search_tracks(
    services: Services, query: str, skip: int, take: int
) -> SkipPage[TrackView]:
    term = search_term(query)
    async with services.sessions() as session:
        found = await services.library.tracks.search(session, term, skip, take)
    return SkipPage[TrackView].of(found.items, found.total, skip, take)


async def shuffle_tracks(
    services: Services, seed: float | None, skip: int, take: int
) -> ShufflePage:
    """The whole library in an order fixed by `seed`; without one a seed is drawn and echoed,
    and the client sends it back for the next pages."""
    if seed is None:
        seed = random.random()
    tracks = services.library.tracks
    async with services.sessions() as session:
        items = await tracks.shuffled(session, seed, skip, take)
        total = await tracks.count(session)
    return ShufflePage(
        data=items, total=total, skip=skip, take=take, has_more=skip + take < total, seed=seed
    )
