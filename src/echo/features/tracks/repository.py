"""Track queries. `TrackRepository` has two implementations: this SQL one and the cache-aside
one in cache.py, picked in bootstrap.py. Repositories never commit."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    ScalarSelect,
    Select,
    String,
    cast,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from echo.core.paging import Slice
from echo.core.search import on_index, ranked_matches
from echo.features.albums.models import Album
from echo.features.albums.schemas import cover_url
from echo.features.analysis.dj import camelot, parse_key
from echo.features.analysis.models import COMPLETED, AlbumLoudness, DjAnalysis, TrackLoudness
from echo.features.analysis.schemas import (
    PREFER_TAGS_SETTING,
    LoudnessValues,
    effective_gains,
    setting_on,
)
from echo.features.artists.schemas import ArtistRef
from echo.features.genres.models import Genre, track_genres
from echo.features.genres.schemas import GenreRef, GenreTrackSort, Order
from echo.features.play_tracking.models import UserPlayStats
from echo.features.system_settings.models import SystemSetting
from echo.features.tracks.models import Track, TrackArtist, tracks_search
from echo.features.tracks.schemas import TrackView

# The library folder chosen in the setup wizard or the admin panel (scanner.service reads it too).
LIBRARY_PATH_SETTING = "library.music.path"


def present() -> ColumnElement[bool]:
    """Tracks whose file is there: listings hide the others (albums show them flagged)."""
    return Track.missing_at.is_(None)


class TrackRepository(Protocol):
    async def get(self, session: AsyncSession, track_id: uuid.UUID) -> TrackView | None: ...

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[TrackView]: ...

    async def count(self, session: AsyncSession) -> int: ...

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[TrackView]: ...

    async def shuffled(
        self, session: AsyncSession, seed: float, skip: int, take: int
    ) -> list[TrackView]: ...

    async def in_album(
        self, session: AsyncSession, album_id: uuid.UUID, skip: int, take: int
    ) -> Slice[TrackView]: ...

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreTrackSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[TrackView]: ...


class SqlTrackRepository:
    def __init__(self, library: Sequence[Path]) -> None:
        self._library = [str(path) for path in library]

    async def get(self, session: AsyncSession, track_id: uuid.UUID) -> TrackView | None:
        views = await self.views(session, [track_id])
        return views[0] if views else None

    async def newest(self, session: AsyncSession, skip: int, take: int) -> list[TrackView]:
        query = (
            on_index(select(Track.id), Track, "ix_tracks_newest")
            .where(present())
            .order_by(Track.created_at.desc(), Track.id.desc())
            .offset(skip)
            .limit(take)
        )
        return await self.views(session, list(await session.scalars(query)))

    async def count(self, session: AsyncSession) -> int:
        query = select(func.count()).select_from(Track).where(present())
        return await session.scalar(query) or 0

    async def search(
        self, session: AsyncSession, term: str, skip: int, take: int
    ) -> Slice[TrackView]:
        query = on_index(select(Track.id), Track, "ix_tracks_search").where(present())
        ids, total = await ranked_matches(
            session, query, Track.search_key, Track.id, term, skip, take, tracks_search
        )
        return Slice(items=await self.views(session, ids), total=total)

    async def shuffled(
        self, session: AsyncSession, seed: float, skip: int, take: int
    ) -> list[TrackView]:
        # md5(id || seed): the same seed gives the same order on every page (SQLite gets an
        # md5 function in core/db.py).
        shuffle = func.md5(cast(Track.id, String) + literal(repr(seed)))
        query = (
            select(Track.id).where(present()).order_by(shuffle, Track.id).offset(skip).limit(take)
        )
        return await self.views(session, list(await session.scalars(query)))

    async def in_album(
        self, session: AsyncSession, album_id: uuid.UUID, skip: int, take: int
    ) -> Slice[TrackView]:
        total = await session.scalar(select(func.count()).where(Track.album_id == album_id)) or 0
        query = (
            select(Track.id)
            .where(Track.album_id == album_id)
            .order_by(
                Track.disc_number,
                Track.track_number.is_(None),
                Track.track_number,
                Track.order_title,
                Track.id,
            )
            .offset(skip)
            .limit(take)
        )
        return Slice(
            items=await self.views(session, list(await session.scalars(query))), total=total
        )

    async def in_genre(
        self,
        session: AsyncSession,
        genre_id: uuid.UUID,
        sort: GenreTrackSort,
        order: Order,
        skip: int,
        take: int,
    ) -> Slice[TrackView]:
        query = (
            select(Track.id)
            .join(track_genres, track_genres.c.track_id == Track.id)
            .where(track_genres.c.genre_id == genre_id, present())
        )
        keys: list[Any]
        if sort is GenreTrackSort.PLAY_COUNT:
            plays = (
                select(UserPlayStats.item_id, func.sum(UserPlayStats.play_count).label("plays"))
                .where(UserPlayStats.item_type == "track")
                .group_by(UserPlayStats.item_id)
                .subquery()
            )
            query = query.outerjoin(plays, plays.c.item_id == Track.id)
            keys = [_ordered(func.coalesce(plays.c.plays, 0), order)]
        elif sort is GenreTrackSort.TITLE:
            keys = [_ordered(Track.order_title, order)]
        else:
            keys = [Track.year.is_(None), _ordered(Track.year, order)]
        total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
        page = query.order_by(*keys, Track.id).offset(skip).limit(take)
        return Slice(
            items=await self.views(session, list(await session.scalars(page))), total=total
        )

    async def views(self, session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[TrackView]:
        """The payloads of `ids`, in that order, with artists, genres and cover: two statements,
        as each one costs more than the work of building a page of views from its rows."""
        if not ids:
            return []
        rows = (await session.execute(_payload_query().where(Track.id.in_(ids)))).all()
        if not rows:
            return []
        found = {row[0].id: row for row in rows}
        artists, genres = await _credits(session, ids)
        library, prefer_tags_value = rows[0][-2:]
        roots = [*self._library, library] if library else self._library
        # With a separator, deepest first: what relative_path tries, in its order.
        folders = sorted((root.rstrip(os.sep) + os.sep for root in roots), key=len, reverse=True)
        prefer_tags = setting_on(prefer_tags_value, False)
        views = []
        for row in (found[i] for i in ids if i in found):
            track, cover_hash = row[0], row[1]
            view = _view(
                track, cover_hash, artists.get(track.id, []), genres.get(track.id, []), folders
            )
            views.append(_analysed(view, track, _Analysis(*row[2:-2]), prefer_tags))
        return views


def _ordered(column: Any, order: Order) -> Any:
    return column.asc() if order is Order.ASC else column.desc()


@dataclass(frozen=True)
class _Analysis:
    """The columns of loudness and DJ analysis a payload shows (see `_payload_query`)."""

    lufs: float | None
    true_peak_db: float | None
    outro_start: float | None
    album_lufs: float | None
    album_true_peak_db: float | None
    dj_status: str | None
    bpm: float | None
    key: str | None
    camelot_key: str | None
    energy: float | None
    danceability: float | None


def _payload_query() -> Select[Track, *tuple[Any, ...]]:
    """A track, its album's cover, the `_Analysis` columns (outer joins on primary keys), and
    the two settings the views depend on (the same on every row: uncorrelated subqueries, which
    the database evaluates once, spare a statement)."""
    return (
        select(
            Track,
            Album.cover_hash,
            TrackLoudness.integrated_lufs,
            TrackLoudness.true_peak_db,
            TrackLoudness.outro_start,
            AlbumLoudness.integrated_lufs,
            AlbumLoudness.true_peak_db,
            DjAnalysis.status,
            DjAnalysis.bpm,
            DjAnalysis.key,
            DjAnalysis.camelot_key,
            DjAnalysis.energy,
            DjAnalysis.danceability,
            _setting(LIBRARY_PATH_SETTING),
            _setting(PREFER_TAGS_SETTING),
        )
        .join(Album, Album.id == Track.album_id)
        .outerjoin(TrackLoudness, TrackLoudness.track_id == Track.id)
        .outerjoin(AlbumLoudness, AlbumLoudness.album_id == Track.album_id)
        .outerjoin(DjAnalysis, DjAnalysis.track_id == Track.id)
    )


def _analysed(view: TrackView, track: Track, found: _Analysis, prefer_tags: bool) -> TrackView:
    """Gains, BPM, key, energy and danceability: from the analyses, the tags filling in."""
    gains = effective_gains(
        LoudnessValues(
            tag_track_gain=track.rg_track_gain,
            tag_track_peak=track.rg_track_peak,
            tag_album_gain=track.rg_album_gain,
            tag_album_peak=track.rg_album_peak,
            lufs=found.lufs,
            true_peak_db=found.true_peak_db,
            outro_start=found.outro_start,
            album_lufs=found.album_lufs,
            album_true_peak_db=found.album_true_peak_db,
        ),
        prefer_tags,
    )
    if found.dj_status == COMPLETED:
        bpm, key, code = found.bpm, found.key, found.camelot_key
        energy, danceability = found.energy, found.danceability
    else:
        key = parse_key(track.initial_key)
        bpm, code = track.bpm, camelot(key)[0] if key else None
        energy = danceability = None
    return view.model_copy(
        update={
            "rg_track_gain": gains.rg_track_gain,
            "rg_track_peak": gains.rg_track_peak,
            "rg_album_gain": gains.rg_album_gain,
            "rg_album_peak": gains.rg_album_peak,
            "replay_gain_track_gain": gains.replay_gain_track_gain,
            "replay_gain_track_peak": gains.replay_gain_track_peak,
            "replay_gain_album_gain": gains.replay_gain_album_gain,
            "replay_gain_album_peak": gains.replay_gain_album_peak,
            "outro_start": gains.outro_start,
            "bpm": bpm,
            "key": key,
            "camelot_key": code,
            "energy": energy,
            "danceability": danceability,
        }
    )


def _setting(key: str) -> ScalarSelect[str]:
    return select(SystemSetting.value).where(SystemSetting.key == key).scalar_subquery()


async def _credits(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[ArtistRef]], dict[uuid.UUID, list[GenreRef]]]:
    """The artists credited on each track (in credit order) and its genres (by name), in one
    statement."""
    artist, genre = 0, 1
    artists: Select[*tuple[Any, ...]] = select(
        TrackArtist.track_id,
        literal_column(str(artist)).label("kind"),
        TrackArtist.position.label("rank"),
        TrackArtist.artist_name.label("name"),
        TrackArtist.artist_id.label("ref"),
    ).where(TrackArtist.track_id.in_(ids), TrackArtist.role == "artist")
    genres = (
        select(
            track_genres.c.track_id,
            literal_column(str(genre)),
            literal_column("0"),
            Genre.name,
            Genre.id,
        )
        .join(Genre, Genre.id == track_genres.c.genre_id)
        .where(track_genres.c.track_id.in_(ids))
    )
    rows = await session.execute(
        union_all(artists, genres).order_by("track_id", "kind", "rank", "name", "ref")
    )
    credited: dict[uuid.UUID, list[ArtistRef]] = {}
    filed: dict[uuid.UUID, list[GenreRef]] = {}
    for track_id, kind, _rank, name, ref in rows:
        if kind == artist:
            credited.setdefault(track_id, []).append(ArtistRef(id=ref, name=name))
        else:
            filed.setdefault(track_id, []).append(GenreRef(id=ref, name=name))
    return credited, filed


def relative_path(path: str, folders: Sequence[str]) -> str:
    """The path inside the deepest library folder holding it (`folders` end with a separator,
    deepest first); never an absolute path. String tests: a page of tracks asks this of each."""
    for folder in folders:
        if path.startswith(folder):
            return path[len(folder) :]
    return os.path.basename(path)


def _view(
    track: Track,
    cover_hash: str | None,
    artists: list[ArtistRef],
    genres: list[GenreRef],
    folders: Sequence[str],
) -> TrackView:
    return TrackView(
        id=track.id,
        title=track.title,
        album_id=track.album_id,
        artist_id=track.artist_id,
        album_artist_id=track.album_artist_id,
        artists=artists or [ArtistRef(id=track.artist_id, name=track.artist_name)],
        genres=genres,
        track_number=track.track_number,
        track_total=track.track_total,
        disc_number=track.disc_number,
        disc_total=track.disc_total,
        disc_subtitle=track.disc_subtitle,
        year=track.year,
        date=track.date,
        duration=track.duration,
        path=relative_path(track.path, folders),
        suffix=track.suffix,
        size=track.size,
        bit_rate=track.bit_rate,
        sample_rate=track.sample_rate,
        bit_depth=track.bit_depth,
        channels=track.channels,
        lyrics=track.lyrics,
        comment=track.comment,
        album_name=track.album_name,
        artist_name=track.artist_name,
        album_artist_name=track.album_artist_name,
        compilation=track.compilation,
        cover_image=cover_url(track.album_id, cover_hash),
        rg_track_gain=track.rg_track_gain,
        rg_track_peak=track.rg_track_peak,
        rg_album_gain=track.rg_album_gain,
        rg_album_peak=track.rg_album_peak,
        bpm=track.bpm,
        initial_key=track.initial_key,
        mbz_track_id=track.mbz_track_id,
        mbz_release_track_id=track.mbz_release_track_id,
        mbz_album_id=track.mbz_album_id,
        mbz_artist_id=track.mbz_artist_id,
        mbz_album_artist_id=track.mbz_album_artist_id,
        is_missing=track.missing_at is not None,
        created_at=track.created_at,
        updated_at=track.updated_at,
    )
