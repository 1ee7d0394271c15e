"""Play tracking use cases: record plays and skips, read history and figures, playback state,
and trimming old history."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from pydantic import TypeAdapter

from echo.bootstrap import Services
from echo.core.db import utcnow
from echo.core.errors import NotFound
from echo.features.play_tracking import cache, repository
from echo.features.play_tracking.models import PlayEvent
from echo.features.play_tracking.schemas import (
    CONTEXT_WEIGHTS,
    SKIP_BELOW,
    FederationTrack,
    ItemStats,
    PlayContext,
    PlayEventView,
    PlaySummary,
    StatsItemType,
    TopTrack,
    TrackBrief,
)

log = logging.getLogger(__name__)

CLIENT_MAX_LENGTH = 255
SUMMARY_RECENT_PLAYS = 50
_TOP_TRACKS = TypeAdapter(list[TopTrack])
_TRACK_IDS = TypeAdapter(list[uuid.UUID])
_SUMMARY = TypeAdapter(PlaySummary)
_STATS = TypeAdapter(ItemStats)


async def record_play(
    services: Services,
    user_id: uuid.UUID,
    track_id: uuid.UUID,
    context: PlayContext,
    completion_rate: float = 1.0,
    *,
    client: str | None = None,
    source_id: str | None = None,
    source_type: str | None = None,
) -> PlayEventView:
    """A play heard for less than half of the track is recorded as a skip."""
    return await _record(
        services,
        user_id,
        track_id,
        context,
        completion_rate,
        skipped=completion_rate < SKIP_BELOW,
        client=client,
        source_id=source_id,
        source_type=source_type,
    )


async def record_skip(
    services: Services,
    user_id: uuid.UUID,
    track_id: uuid.UUID,
    context: PlayContext,
    completion_rate: float,
    *,
    client: str | None = None,
) -> PlayEventView:
    """The user skipped on purpose: a skip whatever share of the track was heard."""
    return await _record(
        services, user_id, track_id, context, completion_rate, skipped=True, client=client
    )


async def _record(
    services: Services,
    user_id: uuid.UUID,
    track_id: uuid.UUID,
    context: PlayContext,
    completion_rate: float,
    *,
    skipped: bool,
    client: str | None,
    source_id: str | None = None,
    source_type: str | None = None,
) -> PlayEventView:
    now = utcnow()
    async with services.sessions() as session:
        track = await repository.get_track(session, track_id)
        if track is None:
            raise NotFound("Track not found")
        event = PlayEvent(
            user_id=user_id,
            track_id=track_id,
            played_at=now,
            client=client[:CLIENT_MAX_LENGTH] if client else None,
            play_context=context,
            completion_rate=completion_rate,
            skipped=skipped,
            source_id=source_id,
            source_type=source_type,
            created_at=now,
        )
        repository.add_event(session, event)
        # The album artist is left out: a compilation's "Various Artists" would collect
        # every play of the album without being anyone's taste.
        artists = await repository.credited_artist_ids(session, track)
        items = [("track", track.id), ("album", track.album_id)]
        items += [("artist", artist_id) for artist_id in sorted(artists)]
        await repository.add_to_stats(
            session,
            user_id,
            items,
            skipped=skipped,
            completion_rate=completion_rate,
            weighted=CONTEXT_WEIGHTS[context] * completion_rate,
            played_at=now,
        )
        await session.commit()
    await cache.forget_user(services.cache, user_id)
    return PlayEventView.model_validate(event)


async def list_history(
    services: Services, user_id: uuid.UUID, limit: int = 50, offset: int = 0
) -> list[PlayEventView]:
    async with services.sessions() as session:
        events = await repository.history(session, user_id, limit, offset)
        return [PlayEventView.model_validate(event) for event in events]


async def top_tracks(
    services: Services, user_id: uuid.UUID, limit: int = 50, days: int | None = None
) -> list[TopTrack]:
    """All time when `days` is None (counts survive history trimming), else the last days."""

    async def load() -> list[TopTrack]:
        since = utcnow() - timedelta(days=days) if days else None
        async with services.sessions() as session:
            rows = await repository.top_tracks(session, user_id, limit, since)
        return [
            TopTrack(
                track_id=row.track.id,
                play_count=row.play_count,
                weighted_play_count=row.weighted_play_count,
                track=TrackBrief.model_validate(row.track),
            )
            for row in rows
        ]

    key = cache.top_key(user_id, limit, days)
    return await cache.read_through(services.cache, key, cache.TOP_TTL, _TOP_TRACKS, load)


async def recently_played(
    services: Services, user_id: uuid.UUID, limit: int = 20
) -> list[uuid.UUID]:
    async def load() -> list[uuid.UUID]:
        async with services.sessions() as session:
            return await repository.recent_track_ids(session, user_id, limit)

    key = cache.recent_key(user_id, limit)
    return await cache.read_through(services.cache, key, cache.RECENT_TTL, _TRACK_IDS, load)


async def summary(services: Services, user_id: uuid.UUID, days: int = 30) -> PlaySummary:
    async def load() -> PlaySummary:
        since = utcnow() - timedelta(days=days)
        async with services.sessions() as session:
            figures = await repository.figures_by_context(session, user_id, since)
            recent = await repository.history(session, user_id, SUMMARY_RECENT_PLAYS, 0, since)
        events = sum(f.events for f in figures)
        top = min(figures, key=lambda f: (-f.events, f.context), default=None)
        return PlaySummary(
            total_plays=events,
            total_skips=sum(f.skips for f in figures),
            avg_completion_rate=sum(f.completion_sum for f in figures) / events if events else 0.0,
            top_context=top.context if top else None,
            plays_by_context={
                f.context: f.events for f in sorted(figures, key=lambda f: f.context)
            },
            recent_plays=[PlayEventView.model_validate(event) for event in recent],
        )

    key = cache.summary_key(user_id, days)
    return await cache.read_through(services.cache, key, cache.SUMMARY_TTL, _SUMMARY, load)


async def item_stats(
    services: Services, user_id: uuid.UUID, item_type: StatsItemType, item_id: uuid.UUID
) -> ItemStats:
    """The user's figures for one track, album or artist, plus all users' plays of it."""

    async def load() -> ItemStats:
        async with services.sessions() as session:
            if not await repository.item_exists(session, item_type, item_id):
                raise NotFound(f"{item_type.capitalize()} not found")
            stats = await repository.get_stats(session, user_id, item_type, item_id)
            audience = await repository.audience(session, item_type, item_id)
        return ItemStats(
            item_type=item_type,
            item_id=item_id,
            play_count=stats.play_count if stats else 0,
            weighted_play_count=stats.weighted_play_count if stats else 0.0,
            skip_count=stats.skip_count if stats else 0,
            avg_completion_rate=stats.avg_completion_rate if stats else 0.0,
            last_played_at=stats.last_played_at if stats else None,
            total_play_count=audience.play_count,
            listener_count=audience.listener_count,
        )

    key = cache.stats_key(user_id, item_type, item_id)
    return await cache.read_through(services.cache, key, cache.STATS_TTL, _STATS, load)


async def set_playback_state(
    services: Services,
    user_id: uuid.UUID,
    is_playing: bool,
    current_track_id: uuid.UUID | None = None,
    federation_track: FederationTrack | None = None,
) -> None:
    async with services.sessions() as session:
        if (
            current_track_id is not None
            and await repository.get_track(session, current_track_id) is None
        ):
            raise NotFound("Track not found")
        await repository.save_playback_state(
            session,
            user_id,
            is_playing=is_playing,
            track_id=current_track_id,
            federation_track=federation_track.model_dump(mode="json", by_alias=True)
            if federation_track
            else None,
            now=utcnow(),
        )
        await session.commit()


async def trim_play_history(services: Services, now: datetime | None = None) -> int:
    """Deletes plays older than the retention period; the per-item counts stay."""
    days = services.settings.play_history_days
    if days == 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=days)
    async with services.sessions() as session:
        deleted = await repository.delete_events_before(session, cutoff)
        await session.commit()
    if deleted:
        log.info("Deleted %d plays older than %d days", deleted, days)
    return deleted
