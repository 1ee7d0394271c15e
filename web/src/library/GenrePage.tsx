/** /genres/:id: a genre's albums and tracks. */
import { useMemo, useState } from "react";
import { useParams } from "wouter";
import type { Album, Genre, Track } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { LoadMore } from "./LoadMore";
import type { ListSource } from "./paging";
import { SortSelect } from "./SortSelect";
import { GENRE_ALBUM_SORTS, GENRE_TRACK_SORTS, genreItemsPath, type GenreItemSort } from "./sorts";
import { PlayAllButton, TrackList } from "./TrackList";
import { usePagedList } from "./usePagedList";
import { useResource } from "./useResource";
import "./library.css";

export default function GenrePage() {
  const { id = "" } = useParams<{ id: string }>();
  const { t, tp } = useI18n();
  const genre = useResource<Genre>(`/api/genres/${id}`);
  usePageTitle(genre.data?.name ?? t("genres.title"));
  const [albumSort, setAlbumSort] = useState<GenreItemSort>(GENRE_ALBUM_SORTS[0]);
  const [trackSort, setTrackSort] = useState<GenreItemSort>(GENRE_TRACK_SORTS[0]);
  const sources = useMemo<{ albums: ListSource; tracks: ListSource }>(
    () => ({
      albums: { path: genreItemsPath(id, "albums", albumSort), paging: "skip", size: 40 },
      tracks: { path: genreItemsPath(id, "tracks", trackSort), paging: "skip", size: 50 },
    }),
    [id, albumSort, trackSort],
  );
  const albums = usePagedList<Album>(sources.albums);
  const tracks = usePagedList<Track>(sources.tracks);

  if (genre.error) return <section className="page"><ErrorMessage error={genre.error} /></section>;
  if (!genre.data) return <Loading />;
  const data = genre.data;
  const source = { context: "direct" as const, id: data.id };

  return (
    <section className="page">
      <header className="hero genre-hero" style={{ borderColor: data.coverColor }}>
        <span className="genre-swatch" style={{ backgroundColor: data.coverColor }} aria-hidden="true" />
        <div className="hero-text">
          <h1>{data.name}</h1>
          <p className="muted">{[tp("album.tracks", data.trackCount), tp("artist.albums", data.albumCount), tp("genre.artists", data.artistCount)].join(" · ")}</p>
          <div className="hero-actions">{tracks.items.length > 0 && <PlayAllButton tracks={tracks.items} source={source} />}</div>
        </div>
      </header>

      <div className="section-header">
        <h2>{t("genre.albums")}</h2>
        <SortSelect title="genre.sortAlbums" value={albumSort} options={GENRE_ALBUM_SORTS} label={(option) => `genre.sort.${option}`} onChange={setAlbumSort} />
      </div>
      <ErrorMessage error={albums.error} />
      {albums.loading ? <Loading /> : <AlbumGrid albums={albums.items} label={t("genre.albums")} />}
      <LoadMore list={albums} />

      <div className="section-header">
        <h2>{t("genre.tracks")}</h2>
        <SortSelect title="genre.sortTracks" value={trackSort} options={GENRE_TRACK_SORTS} label={(option) => `genre.sort.${option}`} onChange={setTrackSort} />
      </div>
      <ErrorMessage error={tracks.error} />
      {tracks.loading ? <Loading /> : <TrackList tracks={tracks.items} source={source} label={t("genre.tracks")} />}
      <LoadMore list={tracks} />
    </section>
  );
}
